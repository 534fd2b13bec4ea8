//! APIM's loose XML dialect: the C#-aware pre-pass, the XML tree with positions, the source map.
