//! The compile pass: resolves every name, member and method of a parsed expression against the
//! `context` type model and the allowed .NET surface, checks types, and produces the node tree
//! that `eval` runs. Errors here are what APIM reports when a policy is saved; their messages
//! follow the C# compiler's wording so a policy author recognises them.

use crate::diagnostic::Span;

use super::ast::{self, BinaryOp, Expr, ExprKind, LambdaBody, Literal, UnaryOp};
use super::eval::{ArithOp, CompareKind, CompareOp, Constant, InterpolatedPart, Node, NumKind};
use super::lib;
use super::types::{StaticType, Type};

/// A load-time error in an expression: message and span in the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// What is wrong, in C# compiler wording.
    pub message: String,
    /// Where, in bytes of the expression text.
    pub span: Span,
}

impl CompileError {
    pub(crate) fn new(message: impl Into<String>, span: Span) -> Self {
        Self {
            message: message.into(),
            span,
        }
    }
}

/// What compiling an expression gave: a value, or a type name used for its static members.
enum Compiled {
    Value(Node, Type),
    TypeName(StaticType),
}

struct Local {
    name: String,
    ty: Type,
    slot: u16,
}

/// Compiles expressions; holds the scope of locals (lambda parameters).
pub(crate) struct Compiler {
    locals: Vec<Local>,
    slots: u16,
}

impl Compiler {
    pub(crate) fn new() -> Self {
        Self {
            locals: Vec::new(),
            slots: 0,
        }
    }

    /// How many local slots the compiled program needs.
    pub(crate) fn slots(&self) -> u16 {
        self.slots
    }

    /// Compiles `expr` to a value node.
    pub(crate) fn value(&mut self, expr: &Expr) -> Result<(Node, Type), CompileError> {
        match self.compile(expr)? {
            Compiled::Value(node, ty) => Ok((node, ty)),
            Compiled::TypeName(ty) => Err(CompileError::new(
                format!(
                    "'{}' is a type, which is not valid in the given context",
                    Type::TypeName(ty)
                ),
                expr.span,
            )),
        }
    }

    /// The current scope depth of locals, to restore when a block ends.
    pub(crate) fn scope_mark(&self) -> usize {
        self.locals.len()
    }

    /// Ends the locals declared since `mark`.
    pub(crate) fn scope_restore(&mut self, mark: usize) {
        self.locals.truncate(mark);
    }

    /// The slot and type of the local `name`.
    pub(crate) fn local(&self, name: &str) -> Option<(u16, Type)> {
        self.locals
            .iter()
            .rev()
            .find(|l| l.name == name)
            .map(|l| (l.slot, l.ty))
    }

    /// Declares a local in the current scope.
    pub(crate) fn declare(&mut self, name: &ast::Ident, ty: Type) -> Result<u16, CompileError> {
        if self.locals.iter().any(|l| l.name == name.name) || name.name == "context" {
            return Err(CompileError::new(
                format!(
                    "A local or parameter named '{}' cannot be declared in this scope because that name is used in an enclosing local scope",
                    name.name
                ),
                name.span,
            ));
        }
        let slot = self.slots;
        self.slots = self
            .slots
            .checked_add(1)
            .ok_or_else(|| CompileError::new("too many locals", name.span))?;
        self.locals.push(Local {
            name: name.name.clone(),
            ty,
            slot,
        });
        Ok(slot)
    }

    fn compile(&mut self, expr: &Expr) -> Result<Compiled, CompileError> {
        let span = expr.span;
        let value = |node, ty| Ok(Compiled::Value(node, ty));
        match &expr.kind {
            ExprKind::Literal(literal) => {
                let (constant, ty) = match literal {
                    Literal::Null => (Constant::Null, Type::Null),
                    Literal::Bool(b) => (Constant::Bool(*b), Type::Boolean),
                    Literal::Int(i) => (Constant::Int(*i), Type::Int32),
                    Literal::Long(i) => (Constant::Long(*i), Type::Int64),
                    Literal::UInt(i) => (Constant::Long(i64::from(*i)), Type::Int64),
                    Literal::ULong(i) => match i64::try_from(*i) {
                        Ok(i) => (Constant::Long(i), Type::Int64),
                        Err(_) => {
                            return Err(CompileError::new(
                                "ulong values beyond long are not supported",
                                span,
                            ));
                        }
                    },
                    Literal::Double(d) => (Constant::Double(*d), Type::Double),
                    Literal::Float(f) => (Constant::Double(f64::from(*f)), Type::Double),
                    Literal::Decimal(_) => {
                        return Err(CompileError::new(
                            "decimal literals are not supported yet",
                            span,
                        ));
                    }
                    Literal::Char(c) => (Constant::Char(*c), Type::Char),
                    Literal::String(s) => (Constant::Str(s.as_str().into()), Type::String),
                };
                value(Node::Const(constant), ty)
            }
            ExprKind::Name(ident) => self.name(ident),
            ExprKind::Member {
                target,
                name,
                type_args,
                null_conditional,
            } => {
                if !type_args.is_empty() {
                    return Err(CompileError::new(
                        format!(
                            "The non-generic member '{}' cannot be used with type arguments",
                            name.name
                        ),
                        name.span,
                    ));
                }
                self.member(target, name, *null_conditional, span)
            }
            ExprKind::Call { callee, args } => self.call(callee, args, span),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, span),
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right, span),
            ExprKind::Conditional {
                condition,
                when_true,
                when_false,
            } => {
                let condition = self.boolean(condition)?;
                let (t, t_ty) = self.value(when_true)?;
                let (f, f_ty) = self.value(when_false)?;
                let ty = common_type(t_ty, f_ty).ok_or_else(|| {
                    CompileError::new(
                        format!(
                            "Type of conditional expression cannot be determined because there is no implicit conversion between '{t_ty}' and '{f_ty}'"
                        ),
                        span,
                    )
                })?;
                value(
                    Node::Conditional(Box::new(condition), Box::new(t), Box::new(f)),
                    ty,
                )
            }
            ExprKind::Index {
                target,
                args,
                null_conditional,
            } => {
                let (target, owner) = self.value(target)?;
                let [index] = args.as_slice() else {
                    return Err(CompileError::new(
                        "Wrong number of indices inside []; expected 1",
                        span,
                    ));
                };
                let (index, index_ty) = self.value(index)?;
                let def = lib::indexers(owner)
                    .find(|d| assignable(index_ty, d.index))
                    .ok_or_else(|| {
                        CompileError::new(
                            format!("Cannot apply indexing with [] to an expression of type '{owner}' with an index of type '{index_ty}'"),
                            span,
                        )
                    })?;
                value(
                    Node::Index {
                        target: Box::new(target),
                        get: def.get,
                        index: Box::new(index),
                        null_conditional: *null_conditional,
                        span,
                    },
                    def.result,
                )
            }
            ExprKind::Cast { ty, operand } => {
                let to = resolve_type(ty)?;
                let (operand, from) = self.value(operand)?;
                if from == to || (to == Type::Object && from != Type::Void) {
                    return value(operand, to);
                }
                if from.is_numeric() && to.is_numeric() {
                    return value(
                        Node::Numeric {
                            to,
                            operand: Box::new(operand),
                            span,
                        },
                        to,
                    );
                }
                let json = matches!(
                    from,
                    Type::JToken | Type::JObject | Type::JArray | Type::JValue
                ) && matches!(
                    to,
                    Type::String
                        | Type::Boolean
                        | Type::Int32
                        | Type::Int64
                        | Type::Double
                        | Type::JObject
                        | Type::JArray
                        | Type::JValue
                        | Type::JToken
                );
                let downcast = json
                    || from == Type::X509Extension
                        && matches!(
                            to,
                            Type::X509BasicConstraintsExtension
                                | Type::X509KeyUsageExtension
                                | Type::X509EnhancedKeyUsageExtension
                                | Type::X509SubjectKeyIdentifierExtension
                        );
                if from == Type::Object || downcast || (from == Type::Null && to.is_reference()) {
                    return value(
                        Node::Cast {
                            to,
                            operand: Box::new(operand),
                            span,
                        },
                        to,
                    );
                }
                Err(CompileError::new(
                    format!("Cannot convert type '{from}' to '{to}'"),
                    span,
                ))
            }
            ExprKind::As { operand, ty } => {
                let to = resolve_type(ty)?;
                if !to.is_reference() {
                    return Err(CompileError::new(
                        format!(
                            "The as operator must be used with a reference type or nullable type ('{to}' is a non-nullable value type)"
                        ),
                        ty.span,
                    ));
                }
                let (operand, _) = self.value(operand)?;
                value(
                    Node::As {
                        to,
                        operand: Box::new(operand),
                    },
                    to,
                )
            }
            ExprKind::Is {
                operand,
                ty,
                binding,
            } => {
                let to = resolve_type(ty)?;
                let (operand, _) = self.value(operand)?;
                let binding = match binding {
                    Some(name) if name.name != "_" => Some(self.declare(name, to)?),
                    _ => None,
                };
                value(
                    Node::Is {
                        ty: to,
                        operand: Box::new(operand),
                        binding,
                    },
                    Type::Boolean,
                )
            }
            ExprKind::New {
                ty: Some(ty),
                args,
                initializer: None,
            } if ty
                .path
                .last()
                .is_some_and(|i| i.name.ends_with("Exception")) =>
            {
                // `new Exception(message)` for `throw`: the value is the message.
                let message = match args.as_slice() {
                    [] => Node::Const(Constant::Str(
                        format!(
                            "Exception of type 'System.{}' was thrown.",
                            ty.path.last().map_or("Exception", |i| i.name.as_str())
                        )
                        .into(),
                    )),
                    [arg] => {
                        let (node, arg_ty) = self.value(&arg.value)?;
                        if !assignable(arg_ty, Type::String) {
                            return Err(CompileError::new(
                                format!("Argument 1: cannot convert from '{arg_ty}' to 'string'"),
                                arg.value.span,
                            ));
                        }
                        node
                    }
                    _ => {
                        return Err(no_overload(
                            ty.path.last().map_or(
                                &ast::Ident {
                                    name: String::new(),
                                    span,
                                },
                                |i| i,
                            ),
                            args.len(),
                            span,
                        ));
                    }
                };
                value(message, Type::Exception)
            }
            ExprKind::New {
                ty,
                args,
                initializer,
            } => self.construct(ty.as_ref(), args, initializer.as_ref(), span),
            ExprKind::Interpolated(parts) => {
                let mut out = Vec::with_capacity(parts.len());
                for part in parts {
                    out.push(match part {
                        ast::InterpolationPart::Text(t) => {
                            InterpolatedPart::Text(t.as_str().into())
                        }
                        ast::InterpolationPart::Hole {
                            value: hole,
                            alignment,
                            format,
                        } => {
                            let (node, ty) = self.value(hole)?;
                            if ty == Type::Void {
                                return Err(CompileError::new(
                                    "Cannot use a void expression in an interpolated string",
                                    hole.span,
                                ));
                            }
                            let alignment = match alignment {
                                None => 0,
                                Some(a) => constant_int(a).ok_or_else(|| {
                                    CompileError::new(
                                        "The alignment must be a constant integer",
                                        a.span,
                                    )
                                })?,
                            };
                            InterpolatedPart::Hole {
                                value: node,
                                alignment,
                                format: format.as_deref().unwrap_or("").into(),
                                span: hole.span,
                            }
                        }
                    });
                }
                value(Node::Interpolated(out.into_boxed_slice()), Type::String)
            }
            ExprKind::Lambda { .. } => Err(CompileError::new(
                "A lambda expression can only be passed as an argument to a method such as Any or All",
                span,
            )),
            other => Err(CompileError::new(
                format!("{} is not supported yet", describe(other)),
                span,
            )),
        }
    }

    fn name(&mut self, ident: &ast::Ident) -> Result<Compiled, CompileError> {
        if let Some(local) = self.locals.iter().rev().find(|l| l.name == ident.name) {
            return Ok(Compiled::Value(Node::Local(local.slot), local.ty));
        }
        if ident.name == "context" {
            return Ok(Compiled::Value(Node::Context, Type::Context));
        }
        if let Some(ty) = lib::type_name(&[ident.name.as_str()]) {
            return Ok(Compiled::TypeName(ty));
        }
        if lib::is_forbidden_type(&ident.name) {
            return Err(CompileError::new(
                format!(
                    "The type '{}' is not allowed in policy expressions",
                    ident.name
                ),
                ident.span,
            ));
        }
        Err(CompileError::new(
            format!(
                "The name '{}' does not exist in the current context",
                ident.name
            ),
            ident.span,
        ))
    }

    /// Resolves `System.X` style dotted type names.
    fn dotted_type(target: &Expr, name: &ast::Ident) -> Option<StaticType> {
        match &target.kind {
            ExprKind::Name(root) if root.name == "System" => {
                lib::type_name(&["System", name.name.as_str()])
            }
            _ => None,
        }
    }

    fn member(
        &mut self,
        target: &Expr,
        name: &ast::Ident,
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        if let Some(ty) = Self::dotted_type(target, name) {
            return Ok(Compiled::TypeName(ty));
        }
        match self.compile(target)? {
            Compiled::TypeName(owner) => match lib::static_member(owner, &name.name) {
                Some(def) => Ok(Compiled::Value(Node::Static { get: def.get }, def.ty)),
                None => Err(missing_member(Type::TypeName(owner), name)),
            },
            Compiled::Value(node, owner) => {
                let Some(def) = lib::member(owner, &name.name) else {
                    if lib::methods(owner, &name.name).next().is_some()
                        || (lib::element_type(owner).is_some()
                            && lib::linq_operator(&name.name, 0, false).is_some())
                    {
                        return Err(CompileError::new(
                            format!(
                                "'{}' is a method; call it as '{}(...)'",
                                name.name, name.name
                            ),
                            name.span,
                        ));
                    }
                    return Err(missing_member(owner, name));
                };
                Ok(Compiled::Value(
                    Node::member(node, def.get, null_conditional, span),
                    def.ty,
                ))
            }
        }
    }

    fn call(
        &mut self,
        callee: &Expr,
        args: &[ast::Argument],
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let ExprKind::Member {
            target,
            name,
            type_args,
            null_conditional,
        } = &callee.kind
        else {
            let what = match &callee.kind {
                ExprKind::Name(n) => format!(
                    "The name '{}' does not exist in the current context",
                    n.name
                ),
                _ => "This expression cannot be called like a method".to_owned(),
            };
            return Err(CompileError::new(what, callee.span));
        };
        let has_out = args
            .last()
            .is_some_and(|a| a.modifier == Some(ast::ArgModifier::Out));
        let mut seen_named = false;
        for (i, arg) in args.iter().enumerate() {
            // Named arguments are accepted in positional order (`As<JObject>(preserveContent: true)`);
            // the library tables carry no parameter names to reorder them by.
            match &arg.name {
                Some(_) => seen_named = true,
                None if seen_named => {
                    return Err(CompileError::new(
                        "Named argument specifications must appear after all fixed arguments have been specified",
                        arg.value.span,
                    ));
                }
                None => {}
            }
            if arg.modifier.is_some() && !(has_out && i + 1 == args.len()) {
                return Err(CompileError::new(
                    "out/ref arguments are not supported yet",
                    arg.value.span,
                ));
            }
        }
        match self.compile(target)? {
            Compiled::TypeName(owner) if has_out => self.out_call(owner, name, args, span),
            Compiled::Value(..) if has_out => Err(CompileError::new(
                "out arguments are only supported for static methods such as int.TryParse",
                span,
            )),
            Compiled::TypeName(owner) => {
                let overloads: Vec<_> = lib::static_methods(owner, &name.name).collect();
                if overloads.is_empty() {
                    if lib::static_member(owner, &name.name).is_some() {
                        return Err(non_invocable(name));
                    }
                    return Err(missing_member(Type::TypeName(owner), name));
                }
                let compiled = self.arguments(args)?;
                let def = overloads
                    .iter()
                    .find(|d| applicable(d.params, &compiled))
                    .ok_or_else(|| no_overload(name, args.len(), span))?;
                Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: def.call,
                        args: compiled.into_iter().map(|(n, _)| n).collect(),
                    },
                    def.result,
                ))
            }
            Compiled::Value(target_node, owner) if !type_args.is_empty() => {
                let [type_arg] = type_args.as_slice() else {
                    return Err(CompileError::new(
                        format!(
                            "Using the generic method '{}' requires 1 type argument",
                            name.name
                        ),
                        name.span,
                    ));
                };
                let type_arg = resolve_type(type_arg)?;
                let overloads: Vec<_> = lib::generic_methods(owner, &name.name).collect();
                if overloads.is_empty() {
                    if lib::methods(owner, &name.name).next().is_some() {
                        return Err(CompileError::new(
                            format!(
                                "The non-generic method '{}' cannot be used with type arguments",
                                name.name
                            ),
                            name.span,
                        ));
                    }
                    return Err(missing_member(owner, name));
                }
                let compiled = self.arguments(args)?;
                let def = overloads
                    .iter()
                    .find(|d| {
                        let params: Vec<Type> =
                            d.params.iter().map(|p| substitute(*p, type_arg)).collect();
                        applicable(&params, &compiled)
                    })
                    .ok_or_else(|| no_overload(name, args.len(), span))?;
                Ok(Compiled::Value(
                    Node::GenericMethod {
                        target: Box::new(target_node),
                        call: def.call,
                        type_arg,
                        args: compiled.into_iter().map(|(n, _)| n).collect(),
                        null_conditional: *null_conditional,
                        span,
                    },
                    substitute(def.result, type_arg),
                ))
            }
            Compiled::Value(target_node, owner) => {
                if lib::generic_methods(owner, &name.name).next().is_some()
                    && lib::methods(owner, &name.name).next().is_none()
                {
                    return Err(CompileError::new(
                        format!(
                            "The type arguments for method '{}' cannot be inferred from the usage. Try specifying the type arguments explicitly",
                            name.name
                        ),
                        name.span,
                    ));
                }
                if let Some(element) = lib::element_type(owner)
                    && lib::methods(owner, &name.name).next().is_none()
                {
                    let lambda = matches!(
                        args.first().map(|a| &a.value.kind),
                        Some(ExprKind::Lambda { .. })
                    );
                    if let Some((op, arg)) = lib::linq_operator(&name.name, args.len(), lambda) {
                        return self.linq_call(
                            target_node,
                            element,
                            op,
                            arg,
                            args,
                            *null_conditional,
                            span,
                        );
                    }
                }
                let overloads: Vec<_> = lib::methods(owner, &name.name).collect();
                if overloads.is_empty() {
                    if lib::member(owner, &name.name).is_some() {
                        return Err(non_invocable(name));
                    }
                    return Err(missing_member(owner, name));
                }
                let compiled = self.arguments(args)?;
                let def = overloads
                    .iter()
                    .find(|d| applicable(d.params, &compiled))
                    .ok_or_else(|| no_overload(name, args.len(), span))?;
                Ok(Compiled::Value(
                    Node::Method {
                        target: Box::new(target_node),
                        call: def.call,
                        args: compiled.into_iter().map(|(n, _)| n).collect(),
                        null_conditional: *null_conditional,
                        span,
                    },
                    def.result,
                ))
            }
        }
    }

    /// `T.TryParse(s, out var x)`: a static method whose last argument is `out`.
    fn out_call(
        &mut self,
        owner: StaticType,
        name: &ast::Ident,
        args: &[ast::Argument],
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let Some((out_arg, rest)) = args.split_last() else {
            return Err(no_overload(name, 0, span));
        };
        let overloads: Vec<_> = lib::out_methods(owner, &name.name).collect();
        if overloads.is_empty() {
            return Err(CompileError::new(
                format!(
                    "'{}.{}' has no overload with an out parameter",
                    Type::TypeName(owner),
                    name.name
                ),
                span,
            ));
        }
        let compiled = self.arguments(rest)?;
        let def = overloads
            .iter()
            .find(|d| applicable(d.params, &compiled))
            .ok_or_else(|| no_overload(name, args.len(), span))?;
        let position = args.len();
        let mismatch = |ty: Type, at: Span| {
            CompileError::new(
                format!(
                    "Argument {position}: cannot convert from 'out {ty}' to 'out {}'",
                    def.out
                ),
                at,
            )
        };
        let slot = match &out_arg.value.kind {
            ExprKind::OutDeclaration { ty, name: local } => {
                if let Some(written) = ty {
                    let ty = resolve_type(written)?;
                    if ty != def.out {
                        return Err(mismatch(ty, written.span));
                    }
                }
                if local.name == "_" {
                    self.discard_slot(local.span)?
                } else {
                    self.declare(local, def.out)?
                }
            }
            ExprKind::Name(ident) if ident.name == "_" => self.discard_slot(ident.span)?,
            ExprKind::Name(ident) => match self.local(&ident.name) {
                Some((slot, ty)) if ty == def.out => slot,
                Some((_, ty)) => return Err(mismatch(ty, ident.span)),
                None => {
                    return Err(CompileError::new(
                        format!(
                            "The name '{}' does not exist in the current context",
                            ident.name
                        ),
                        ident.span,
                    ));
                }
            },
            _ => {
                return Err(CompileError::new(
                    "A ref or out value must be an assignable variable",
                    out_arg.value.span,
                ));
            }
        };
        Ok(Compiled::Value(
            Node::OutCall {
                call: def.call,
                args: compiled.into_iter().map(|(n, _)| n).collect(),
                slot,
            },
            def.result,
        ))
    }

    /// A slot no name refers to (`out _`).
    fn discard_slot(&mut self, span: Span) -> Result<u16, CompileError> {
        let slot = self.slots;
        self.slots = self
            .slots
            .checked_add(1)
            .ok_or_else(|| CompileError::new("too many locals", span))?;
        Ok(slot)
    }

    /// `new T(args)` of a library type, or `new T[] { ... }` / `new[] { ... }`.
    fn construct(
        &mut self,
        ty: Option<&ast::TypeRef>,
        args: &[ast::Argument],
        initializer: Option<&ast::Initializer>,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        let named = ty.and_then(|t| t.path.last()).map(|i| i.name.as_str());
        match (named, initializer) {
            (Some("JObject"), Some(ast::Initializer::Object(entries))) if args.is_empty() => {
                let mut nodes = Vec::with_capacity(entries.len() * 2);
                for entry in entries {
                    let ast::MemberInitTarget::Index(keys) = &entry.target else {
                        return Err(CompileError::new(
                            "a JObject initialiser sets properties as [\"name\"] = value",
                            entry.value.span,
                        ));
                    };
                    let [key] = keys.as_slice() else {
                        return Err(CompileError::new(
                            "one property name is expected",
                            entry.value.span,
                        ));
                    };
                    let (key_node, key_ty) = self.value(key)?;
                    if key_ty != Type::String {
                        return Err(CompileError::new(
                            format!("Cannot implicitly convert type '{key_ty}' to 'string'"),
                            key.span,
                        ));
                    }
                    nodes.push(key_node);
                    nodes.push(self.value(&entry.value)?.0);
                }
                return Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: lib::json_object,
                        args: nodes.into_boxed_slice(),
                    },
                    Type::JObject,
                ));
            }
            (Some("JArray"), Some(ast::Initializer::Collection(items))) if args.is_empty() => {
                let mut nodes = Vec::with_capacity(items.len());
                for item in items {
                    let [value] = item.as_slice() else {
                        return Err(CompileError::new(
                            "Invalid collection initializer member",
                            span,
                        ));
                    };
                    nodes.push(self.value(value)?.0);
                }
                return Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: lib::json_array,
                        args: nodes.into_boxed_slice(),
                    },
                    Type::JArray,
                ));
            }
            _ => {}
        }
        match (ty, initializer) {
            (Some(ty), None) if ty.array_ranks.is_empty() => {
                let type_name = ty.path.last().map_or("", |i| i.name.as_str());
                let overloads: Vec<_> = lib::constructors(type_name).collect();
                if overloads.is_empty() {
                    return Err(CompileError::new(
                        format!("'new {type_name}(...)' is not supported in policy expressions"),
                        span,
                    ));
                }
                let compiled = self.arguments(args)?;
                let def = overloads
                    .iter()
                    .find(|d| applicable(d.params, &compiled))
                    .ok_or_else(|| {
                        CompileError::new(
                            format!(
                                "'{type_name}' does not contain a constructor that takes {} arguments",
                                args.len()
                            ),
                            span,
                        )
                    })?;
                Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: def.call,
                        args: compiled.into_iter().map(|(n, _)| n).collect(),
                    },
                    def.result,
                ))
            }
            (ty, Some(ast::Initializer::Collection(items))) if args.len() <= 1 => {
                if let Some(size) = args.first() {
                    let (node, _) = self.value(&size.value)?;
                    let matches = matches!(node, Node::Const(Constant::Int(n)) if usize::try_from(n).ok() == Some(items.len()));
                    if !matches {
                        return Err(CompileError::new(
                            format!(
                                "An array initializer of length '{}' is expected",
                                items.len()
                            ),
                            size.value.span,
                        ));
                    }
                }
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    let [value] = item.as_slice() else {
                        return Err(CompileError::new("Invalid array initializer member", span));
                    };
                    values.push((self.value(value)?, value.span));
                }
                let element = match ty {
                    Some(written) => match resolve_type(written)? {
                        Type::CharArray => Type::Char,
                        Type::StringArray => Type::String,
                        Type::ByteArray => Type::Byte,
                        other => {
                            return Err(CompileError::new(
                                format!("arrays of type '{other}' are not supported yet"),
                                span,
                            ));
                        }
                    },
                    None => values
                        .iter()
                        .map(|((_, t), _)| *t)
                        .find(|t| *t != Type::Null)
                        .unwrap_or(Type::String),
                };
                let Some((array, build)) = lib::array_constructor(element) else {
                    return Err(CompileError::new(
                        format!("arrays of '{element}' are not supported yet"),
                        span,
                    ));
                };
                let mut nodes = Vec::with_capacity(values.len());
                for ((node, t), at) in values {
                    let fits =
                        assignable(t, element) || (element == Type::Byte && t == Type::Int32);
                    if !fits {
                        return Err(CompileError::new(
                            format!("Cannot implicitly convert type '{t}' to '{element}'"),
                            at,
                        ));
                    }
                    nodes.push(node);
                }
                Ok(Compiled::Value(
                    Node::StaticMethod {
                        call: build,
                        args: nodes.into(),
                    },
                    array,
                ))
            }
            _ => Err(CompileError::new("'new' is not supported yet here", span)),
        }
    }

    fn arguments(&mut self, args: &[ast::Argument]) -> Result<Vec<(Node, Type)>, CompileError> {
        args.iter().map(|a| self.value(&a.value)).collect()
    }

    /// A LINQ operator on a sequence of `element`.
    #[allow(clippy::too_many_arguments)]
    fn linq_call(
        &mut self,
        source: Node,
        element: Type,
        op: lib::LinqOp,
        arg: lib::LinqArg,
        args: &[ast::Argument],
        null_conditional: bool,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        use lib::LinqOp as Op;
        let mut slot = 0;
        let mut lambda = None;
        let mut lambda_ty = None;
        let mut value_arg = None;
        match (arg, args.first()) {
            (lib::LinqArg::Lambda, Some(a)) => {
                let ExprKind::Lambda { params, body } = &a.value.kind else {
                    return Err(CompileError::new(
                        "a lambda expression is expected here",
                        a.value.span,
                    ));
                };
                let [param] = params.as_slice() else {
                    return Err(CompileError::new(
                        format!(
                            "Delegate 'Func<{element}, ...>' does not take {} arguments",
                            params.len()
                        ),
                        a.value.span,
                    ));
                };
                let param_ty = match &param.ty {
                    Some(t) => resolve_type(t)?,
                    None => element,
                };
                let LambdaBody::Expr(body) = body else {
                    return Err(CompileError::new(
                        "block-bodied lambdas are not supported yet",
                        a.value.span,
                    ));
                };
                let mark = self.scope_mark();
                slot = self.declare(&param.name, param_ty)?;
                let compiled = self.value(body);
                self.scope_restore(mark);
                let (node, ty) = compiled?;
                let predicate = matches!(
                    op,
                    Op::Any
                        | Op::All
                        | Op::Count
                        | Op::First
                        | Op::FirstOrDefault
                        | Op::Last
                        | Op::LastOrDefault
                        | Op::Single
                        | Op::SingleOrDefault
                        | Op::Where
                );
                if predicate && ty != Type::Boolean {
                    return Err(CompileError::new(
                        format!("Cannot implicitly convert type '{ty}' to 'bool'"),
                        body.span,
                    ));
                }
                lambda = Some(Box::new(node));
                lambda_ty = Some(ty);
            }
            (lib::LinqArg::Value, Some(a)) => {
                let (node, ty) = self.value(&a.value)?;
                let wanted = if op == Op::Contains {
                    element
                } else {
                    Type::Int32
                };
                if !assignable(ty, wanted) {
                    return Err(CompileError::new(
                        format!("Argument 1: cannot convert from '{ty}' to '{wanted}'"),
                        a.value.span,
                    ));
                }
                value_arg = Some(Box::new(node));
            }
            _ => {}
        }
        let sequence = |ty: Type| {
            lib::sequence_of(ty).ok_or_else(|| {
                CompileError::new(format!("sequences of '{ty}' are not supported yet"), span)
            })
        };
        let (result, kind_of) = match op {
            Op::Any | Op::All | Op::Contains => (Type::Boolean, element),
            Op::Count => (Type::Int32, element),
            Op::First
            | Op::FirstOrDefault
            | Op::Last
            | Op::LastOrDefault
            | Op::Single
            | Op::SingleOrDefault
            | Op::ElementAt => (element, element),
            Op::Where | Op::ToArray | Op::Distinct | Op::Skip | Op::Take => {
                (sequence(element)?, element)
            }
            Op::Select => (sequence(lambda_ty.unwrap_or(Type::Object))?, element),
            Op::OrderBy | Op::OrderByDescending => {
                (sequence(element)?, lambda_ty.unwrap_or(element))
            }
            Op::Sum | Op::Min | Op::Max => {
                let ty = lambda_ty.unwrap_or(element);
                if !(ty.is_numeric()
                    || (op != Op::Sum && matches!(ty, Type::String | Type::DateTime)))
                {
                    return Err(CompileError::new(
                        format!("'{ty}' values cannot be summed or compared here"),
                        span,
                    ));
                }
                (
                    if ty == Type::Byte || ty == Type::Char {
                        Type::Int32
                    } else {
                        ty
                    },
                    ty,
                )
            }
        };
        Ok(Compiled::Value(
            Node::linq(
                op,
                source,
                slot,
                lambda,
                value_arg,
                lib::comparison(kind_of),
                null_conditional,
                span,
            ),
            result,
        ))
    }

    /// Compiles `expr` and requires a `bool`.
    pub(crate) fn boolean(&mut self, expr: &Expr) -> Result<Node, CompileError> {
        let (node, ty) = self.value(expr)?;
        if ty != Type::Boolean {
            return Err(CompileError::new(
                format!("Cannot implicitly convert type '{ty}' to 'bool'"),
                expr.span,
            ));
        }
        Ok(node)
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, span: Span) -> Result<Compiled, CompileError> {
        match op {
            UnaryOp::Not => {
                let (node, ty) = self.value(operand)?;
                if ty != Type::Boolean {
                    return Err(CompileError::new(
                        format!("Operator '!' cannot be applied to operand of type '{ty}'"),
                        span,
                    ));
                }
                Ok(Compiled::Value(Node::Not(Box::new(node)), Type::Boolean))
            }
            UnaryOp::Negate | UnaryOp::Plus => {
                let (node, ty) = self.value(operand)?;
                let kind = num_kind(ty, ty).ok_or_else(|| {
                    CompileError::new(
                        format!("Operator '-' cannot be applied to operand of type '{ty}'"),
                        span,
                    )
                })?;
                let result = num_type(kind);
                if op == UnaryOp::Plus {
                    return Ok(Compiled::Value(node, result));
                }
                Ok(Compiled::Value(
                    Node::Negate {
                        kind,
                        operand: Box::new(node),
                        span,
                    },
                    result,
                ))
            }
            _ => Err(CompileError::new(
                "increment, decrement and bitwise operators are not supported yet",
                span,
            )),
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Result<Compiled, CompileError> {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let l = self.boolean_operand(left, op)?;
                let r = self.boolean_operand(right, op)?;
                let node = if op == BinaryOp::And {
                    Node::And(Box::new(l), Box::new(r))
                } else {
                    Node::Or(Box::new(l), Box::new(r))
                };
                Ok(Compiled::Value(node, Type::Boolean))
            }
            BinaryOp::Equal
            | BinaryOp::NotEqual
            | BinaryOp::Less
            | BinaryOp::Greater
            | BinaryOp::LessOrEqual
            | BinaryOp::GreaterOrEqual => {
                let (l, l_ty) = self.value(left)?;
                let (r, r_ty) = self.value(right)?;
                let cmp = match op {
                    BinaryOp::Equal => CompareOp::Equal,
                    BinaryOp::NotEqual => CompareOp::NotEqual,
                    BinaryOp::Less => CompareOp::Less,
                    BinaryOp::Greater => CompareOp::Greater,
                    BinaryOp::LessOrEqual => CompareOp::LessOrEqual,
                    _ => CompareOp::GreaterOrEqual,
                };
                let equality = matches!(cmp, CompareOp::Equal | CompareOp::NotEqual);
                let kind = compare_kind(l_ty, r_ty, equality)
                    .ok_or_else(|| operator_error(op, l_ty, r_ty, span))?;
                Ok(Compiled::Value(
                    Node::compare(cmp, kind, l, r),
                    Type::Boolean,
                ))
            }
            BinaryOp::Add
            | BinaryOp::Subtract
            | BinaryOp::Multiply
            | BinaryOp::Divide
            | BinaryOp::Remainder => {
                let (l, l_ty) = self.value(left)?;
                let (r, r_ty) = self.value(right)?;
                if let Some((call, ty)) = lib::operator(op, l_ty, r_ty) {
                    return Ok(Compiled::Value(
                        Node::Operator {
                            call,
                            left: Box::new(l),
                            right: Box::new(r),
                            span,
                        },
                        ty,
                    ));
                }
                if op == BinaryOp::Add && (l_ty == Type::String || r_ty == Type::String) {
                    return Ok(Compiled::Value(
                        Node::Concat(Box::new(l), Box::new(r)),
                        Type::String,
                    ));
                }
                let kind =
                    num_kind(l_ty, r_ty).ok_or_else(|| operator_error(op, l_ty, r_ty, span))?;
                let arith = match op {
                    BinaryOp::Add => ArithOp::Add,
                    BinaryOp::Subtract => ArithOp::Subtract,
                    BinaryOp::Multiply => ArithOp::Multiply,
                    BinaryOp::Divide => ArithOp::Divide,
                    _ => ArithOp::Remainder,
                };
                Ok(Compiled::Value(
                    Node::Arith {
                        op: arith,
                        kind,
                        left: Box::new(l),
                        right: Box::new(r),
                        span,
                    },
                    num_type(kind),
                ))
            }
            BinaryOp::Coalesce => {
                let (l, l_ty) = self.value(left)?;
                let (r, r_ty) = self.value(right)?;
                if !l_ty.is_reference() {
                    return Err(operator_error(op, l_ty, r_ty, span));
                }
                let ty =
                    common_type(l_ty, r_ty).ok_or_else(|| operator_error(op, l_ty, r_ty, span))?;
                Ok(Compiled::Value(
                    Node::Coalesce(Box::new(l), Box::new(r)),
                    ty,
                ))
            }
            _ => Err(CompileError::new(
                format!("operator '{}' is not supported yet", operator_text(op)),
                span,
            )),
        }
    }

    fn boolean_operand(&mut self, expr: &Expr, op: BinaryOp) -> Result<Node, CompileError> {
        let (node, ty) = self.value(expr)?;
        if ty != Type::Boolean {
            return Err(CompileError::new(
                format!(
                    "Operator '{}' cannot be applied to an operand of type '{ty}'",
                    operator_text(op)
                ),
                expr.span,
            ));
        }
        Ok(node)
    }
}

fn missing_member(owner: Type, name: &ast::Ident) -> CompileError {
    if owner == Type::X500DistinguishedName
        && matches!(name.name.as_str(), "Decode" | "Format" | "RawData" | "Oid")
    {
        return CompileError::new(
            format!(
                "'X500DistinguishedName.{}' is not allowed in policy expressions; only 'Name' is",
                name.name
            ),
            name.span,
        );
    }
    CompileError::new(
        format!(
            "'{owner}' does not contain a definition for '{}'",
            name.name
        ),
        name.span,
    )
}

fn non_invocable(name: &ast::Ident) -> CompileError {
    CompileError::new(
        format!(
            "Non-invocable member '{}' cannot be used like a method",
            name.name
        ),
        name.span,
    )
}

fn no_overload(name: &ast::Ident, count: usize, span: Span) -> CompileError {
    CompileError::new(
        format!(
            "No overload for method '{}' takes {count} arguments",
            name.name
        ),
        span,
    )
}

fn operator_error(op: BinaryOp, left: Type, right: Type, span: Span) -> CompileError {
    CompileError::new(
        format!(
            "Operator '{}' cannot be applied to operands of type '{left}' and '{right}'",
            operator_text(op)
        ),
        span,
    )
}

fn operator_text(op: BinaryOp) -> &'static str {
    super::print::binary_op(op)
}

fn describe(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::GenericName { .. } => "a generic method call",
        ExprKind::Index { .. } => "an indexer",
        ExprKind::Assign { .. } => "assignment",
        ExprKind::Cast { .. } => "a cast",
        ExprKind::Is { .. } => "'is'",
        ExprKind::As { .. } => "'as'",
        ExprKind::TypeOf(_) => "'typeof'",
        ExprKind::Default(_) => "'default'",
        ExprKind::New { .. } => "'new'",
        ExprKind::Interpolated(_) => "an interpolated string",
        ExprKind::OutDeclaration { .. } => "an out variable",
        _ => "this expression",
    }
}

/// The value of a constant integer expression (`5`, `-5`).
fn constant_int(expr: &Expr) -> Option<i32> {
    match &expr.kind {
        ExprKind::Literal(Literal::Int(i)) => Some(*i),
        ExprKind::Unary {
            op: UnaryOp::Negate,
            operand,
        } => constant_int(operand).and_then(i32::checked_neg),
        _ => None,
    }
}

/// `T` replaced by the type argument.
fn substitute(ty: Type, type_arg: Type) -> Type {
    if ty == Type::TypeParameter {
        type_arg
    } else {
        ty
    }
}

/// The type a written type names, for casts, `is`, `as` and generic arguments.
pub(crate) fn resolve_type(written: &ast::TypeRef) -> Result<Type, CompileError> {
    let path: Vec<&str> = written.path.iter().map(|i| i.name.as_str()).collect();
    let name = match path.as_slice() {
        [name] | ["System", name] => *name,
        _ => "",
    };
    let base = match name {
        "string" | "String" => Type::String,
        "bool" | "Boolean" => Type::Boolean,
        "int" | "Int32" => Type::Int32,
        "long" | "Int64" => Type::Int64,
        "double" | "Double" => Type::Double,
        "char" | "Char" => Type::Char,
        "object" | "Object" => Type::Object,
        "DateTime" => Type::DateTime,
        "TimeSpan" => Type::TimeSpan,
        "JToken" => Type::JToken,
        "JObject" => Type::JObject,
        "JArray" => Type::JArray,
        "JValue" => Type::JValue,
        "Guid" => Type::Guid,
        "X509Certificate2" => Type::X509Certificate2,
        "byte" | "Byte" => Type::Byte,
        "X509Extension" => Type::X509Extension,
        "X509BasicConstraintsExtension" => Type::X509BasicConstraintsExtension,
        "X509KeyUsageExtension" => Type::X509KeyUsageExtension,
        "X509EnhancedKeyUsageExtension" => Type::X509EnhancedKeyUsageExtension,
        "X509SubjectKeyIdentifierExtension" => Type::X509SubjectKeyIdentifierExtension,
        "X509KeyUsageFlags" => Type::X509KeyUsageFlags,
        "Oid" => Type::Oid,
        "Random" => Type::Random,
        "StringComparison" => Type::StringComparison,
        "StringSplitOptions" => Type::StringSplitOptions,
        "MidpointRounding" => Type::MidpointRounding,
        "Encoding" => Type::Encoding,
        _ => {
            return Err(CompileError::new(
                format!(
                    "The type or namespace name '{}' is not supported in policy expressions here",
                    path.join(".")
                ),
                written.span,
            ));
        }
    };
    if !written.type_args.is_empty() {
        return Err(CompileError::new(
            format!("The non-generic type '{base}' cannot be used with type arguments"),
            written.span,
        ));
    }
    match written.array_ranks.as_slice() {
        [] => Ok(base),
        [1] if base == Type::String => Ok(Type::StringArray),
        [1] if base == Type::Byte => Ok(Type::ByteArray),
        [1] if base == Type::Char => Ok(Type::CharArray),
        _ => Err(CompileError::new(
            format!("arrays of '{base}' are not supported yet"),
            written.span,
        )),
    }
}

/// Whether a value of type `from` converts implicitly to `to`.
pub(crate) fn assignable(from: Type, to: Type) -> bool {
    from == to
        || lib::base_of(from) == Some(to)
        || to == Type::Object && from != Type::Void
        || from == Type::Null && to.is_reference()
        || matches!(
            (from, to),
            (Type::Int32, Type::Int64 | Type::Double)
                | (Type::Int64, Type::Double)
                | (Type::Char, Type::Int32 | Type::Int64 | Type::Double)
        )
}

fn applicable(params: &[Type], args: &[(Node, Type)]) -> bool {
    params.len() == args.len()
        && params
            .iter()
            .zip(args)
            .all(|(p, (_, a))| assignable(*a, *p))
}

pub(crate) fn common_type(a: Type, b: Type) -> Option<Type> {
    if assignable(a, b) {
        Some(b)
    } else if assignable(b, a) {
        Some(a)
    } else {
        None
    }
}

pub(crate) fn num_kind(a: Type, b: Type) -> Option<NumKind> {
    if !a.is_numeric() || !b.is_numeric() {
        return None;
    }
    Some(if a == Type::Double || b == Type::Double {
        NumKind::Double
    } else if a == Type::Int64 || b == Type::Int64 {
        NumKind::Int64
    } else {
        NumKind::Int32
    })
}

pub(crate) fn num_type(kind: NumKind) -> Type {
    match kind {
        NumKind::Int32 => Type::Int32,
        NumKind::Int64 => Type::Int64,
        NumKind::Double => Type::Double,
    }
}

fn compare_kind(a: Type, b: Type, equality: bool) -> Option<CompareKind> {
    if let Some(kind) = num_kind(a, b) {
        return Some(if kind == NumKind::Double {
            CompareKind::Double
        } else {
            CompareKind::Integer
        });
    }
    let pair = |t: Type| (a == t || a == Type::Null) && (b == t || b == Type::Null);
    if a == Type::TimeSpan && b == Type::TimeSpan {
        return Some(CompareKind::Integer);
    }
    if a == Type::DateTime && b == Type::DateTime {
        return Some(CompareKind::DateTime);
    }
    if !equality {
        return None;
    }
    if pair(Type::String) {
        return Some(CompareKind::String);
    }
    if a == Type::Boolean && b == Type::Boolean {
        return Some(CompareKind::Bool);
    }
    if a == Type::Guid && b == Type::Guid {
        return Some(CompareKind::Guid);
    }
    if a == b
        && matches!(
            a,
            Type::X509KeyUsageFlags
                | Type::X509NameType
                | Type::DayOfWeek
                | Type::StringComparison
                | Type::StringSplitOptions
                | Type::MidpointRounding
        )
    {
        return Some(CompareKind::Integer);
    }
    let reference = |t: Type| t.is_reference();
    if reference(a)
        && reference(b)
        && (a == b || a == Type::Null || b == Type::Null || a == Type::Object || b == Type::Object)
    {
        return Some(CompareKind::Reference);
    }
    // Value types compared with null: always unequal (C# warns, but compiles).
    if (a == Type::Null && !b.is_reference() && b != Type::Void)
        || (b == Type::Null && !a.is_reference() && a != Type::Void)
    {
        return Some(CompareKind::Reference);
    }
    None
}
