#!/usr/bin/env python3
"""Runs `openssl verify` on x509-limbo cases: the evidence tool for divergences.txt ([OSSL-RUN]).

.NET's X509Chain on Linux is OpenSSL's X509_verify_cert with default flags plus
X509_V_FLAG_CHECK_SS_SIGNATURE (which `openssl verify` also honours for a self-signed root in the
chain); `openssl verify` with default flags and no -purpose is the closest command-line stand-in.

Usage: python3 openssl-verify.py [ID ...]   (no ids: every id in divergences.txt)
Prints: id, expected result, OpenSSL's answer, the tail of OpenSSL's output.

Peer names are checked with -verify_hostname / -verify_ip; CRLs with -crl_check; a null
validation time is 2026-06-29T00:00:00Z, as in tests/x509_limbo.rs.
"""

import datetime
import gzip
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TIME = 1782691200


def main() -> None:
    suite = json.load(gzip.open(os.path.join(HERE, "limbo.json.gz")))
    ids = set(sys.argv[1:])
    if not ids:
        with open(os.path.join(HERE, "divergences.txt")) as ledger:
            ids = {
                line.split("\t")[0]
                for line in ledger
                if line.strip() and not line.startswith("#")
            }
    with tempfile.TemporaryDirectory() as tmp:
        for tc in suite["testcases"]:
            if tc["id"] not in ids:
                continue
            d = os.path.join(tmp, tc["id"].replace(":", "_"))
            os.makedirs(d)

            def write(name: str, items) -> str:
                path = os.path.join(d, name)
                with open(path, "w") as f:
                    f.write("".join(items))
                return path

            args = ["openssl", "verify", "-CAfile", write("roots.pem", tc["trusted_certs"])]
            if tc["untrusted_intermediates"]:
                args += ["-untrusted", write("ints.pem", tc["untrusted_intermediates"])]
            if tc["crls"]:
                args += ["-CRLfile", write("crls.pem", tc["crls"]), "-crl_check"]
            t = tc.get("validation_time")
            at = (
                int(datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp())
                if t
                else DEFAULT_TIME
            )
            args += ["-attime", str(at)]
            peer = tc.get("expected_peer_name") or {}
            if peer.get("kind") == "DNS":
                args += ["-verify_hostname", peer["value"]]
            if peer.get("kind") == "IP":
                args += ["-verify_ip", peer["value"]]
            args.append(write("leaf.pem", [tc["peer_certificate"]]))
            r = subprocess.run(args, capture_output=True, text=True)
            out = (r.stdout + r.stderr).replace(d + "/", "").strip().replace("\n", " | ")
            verdict = "OK" if r.returncode == 0 else "FAIL"
            print(f"{tc['id']}\texpected={tc['expected_result']}\topenssl={verdict}\t{out[-160:]}")


if __name__ == "__main__":
    main()
