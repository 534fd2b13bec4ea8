//! Multi-statement expressions `@{ ... }`: compiling statements (declarations, assignment,
//! `if`, loops, `switch`, `try`/`catch`/`finally`, `throw`, `return`) and running them.
//!
//! As in C#, every code path must end in `return` (or `throw`): "not all code paths return a
//! value" is a load error. Loops count against a per-evaluation iteration limit.

use crate::diagnostic::Span;

use super::ast::{self, AssignOp, BinaryOp, Expr, ExprKind, LambdaBody, Stmt, StmtKind, UnaryOp};
use super::compile::{
    CompileError, Compiler, assignable, common_type, num_kind, num_type, resolve_type,
};
use super::eval::{ArithOp, Exception, ExceptionKind, Frame, Node, eval};
use super::types::Type;
use super::value::Value;

/// A compiled statement.
#[derive(Debug)]
pub(crate) enum StmtNode {
    Expr(Node),
    Set {
        slot: u16,
        value: Node,
    },
    If {
        condition: Node,
        then_branch: Box<StmtNode>,
        else_branch: Option<Box<StmtNode>>,
    },
    Block(Vec<StmtNode>),
    Return(Option<Node>),
    While {
        condition: Node,
        body: Box<StmtNode>,
        span: Span,
    },
    DoWhile {
        body: Box<StmtNode>,
        condition: Node,
        span: Span,
    },
    For {
        init: Vec<StmtNode>,
        condition: Option<Node>,
        step: Vec<StmtNode>,
        body: Box<StmtNode>,
        span: Span,
    },
    ForEach {
        slot: u16,
        collection: Node,
        /// `foreach (T x in ...)` with `T` derived from the item type: the explicit cast.
        cast: Option<Type>,
        body: Box<StmtNode>,
        span: Span,
    },
    Break,
    Continue,
    /// `throw e;` (of `kind`), or `throw;` (no value) rethrowing what the catch caught.
    Throw {
        value: Option<Node>,
        kind: ExceptionKind,
        span: Span,
    },
    Try {
        body: Box<StmtNode>,
        catches: Vec<Catch>,
        finally: Option<Box<StmtNode>>,
    },
    Switch {
        value: Node,
        kind: super::eval::CompareKind,
        sections: Vec<(Vec<Option<Node>>, Vec<StmtNode>)>,
    },
    Empty,
    /// The program's root when it declares local functions: the table calls index into.
    Program {
        functions: Vec<LocalFunction>,
        body: Box<StmtNode>,
    },
}

/// The root `body` with the program's local functions attached.
pub(crate) fn with_functions(functions: Vec<LocalFunction>, body: StmtNode) -> StmtNode {
    StmtNode::Program {
        functions,
        body: Box::new(body),
    }
}

/// One compiled `catch`.
#[derive(Debug)]
pub(crate) struct Catch {
    /// Exception type names it catches (`None`: all).
    kinds: Option<Vec<&'static str>>,
    /// The slot holding the message, for `catch (Exception e)` with `e.Message`.
    binding: Option<u16>,
    filter: Option<Node>,
    body: StmtNode,
}

/// How a statement ended.
enum Control<'a> {
    Normal,
    Break,
    Continue,
    Return(Value<'a>),
}

/// Compiles a block; returns the statements and the type the returns agree on.
pub(crate) fn compile_block(
    compiler: &mut Compiler,
    block: &ast::Block,
) -> Result<(StmtNode, Type), CompileError> {
    let mut state = BlockCompiler {
        compiler,
        return_type: None,
        loops: 0,
        catches: 0,
        void: false,
    };
    let node = state.block(&block.statements)?;
    if !always_returns(&block.statements) {
        return Err(CompileError::new(
            "not all code paths return a value",
            Span::new(block.span.end.saturating_sub(1), block.span.end),
        ));
    }
    let ty = state.return_type.unwrap_or(Type::Object);
    Ok((node, ty))
}

struct BlockCompiler<'c> {
    compiler: &'c mut Compiler,
    return_type: Option<Type>,
    loops: u32,
    /// How many `catch` clauses enclose the statement (`throw;` needs one).
    catches: u32,
    /// Compiling a `void` local function: `return;` ends it.
    void: bool,
}

impl BlockCompiler<'_> {
    fn block(&mut self, statements: &[Stmt]) -> Result<StmtNode, CompileError> {
        let mark = self.compiler.scope_mark();
        let functions = self.compiler.functions.mark();
        // A local function is in scope in its whole block, before its declaration too.
        for s in statements {
            if let StmtKind::LocalFunction {
                return_type,
                name,
                params,
                ..
            } = &s.kind
            {
                let signature = signature(return_type, params)?;
                self.compiler.functions.declare(name, signature)?;
            }
        }
        let mut out = Vec::with_capacity(statements.len());
        for s in statements {
            match self.statement(s) {
                Ok(node) => out.push(node),
                Err(e) => {
                    self.compiler.functions.restore(functions);
                    return Err(e);
                }
            }
        }
        self.compiler.functions.restore(functions);
        self.compiler.scope_restore(mark);
        Ok(StmtNode::Block(out))
    }

    fn nested(&mut self, statement: &Stmt) -> Result<StmtNode, CompileError> {
        let mark = self.compiler.scope_mark();
        let node = self.statement(statement);
        self.compiler.scope_restore(mark);
        node
    }

    fn statement(&mut self, statement: &Stmt) -> Result<StmtNode, CompileError> {
        let span = statement.span;
        match &statement.kind {
            StmtKind::Empty => Ok(StmtNode::Empty),
            StmtKind::Block(block) => self.block(&block.statements),
            StmtKind::Declaration { ty, declarators } => {
                let declared = ty.as_ref().map(resolve_type).transpose()?;
                let mut out = Vec::new();
                for d in declarators {
                    let (init, init_ty) = match &d.init {
                        // `T x = default;`: the default literal takes the declared type.
                        Some(
                            e @ crate::expr::ast::Expr {
                                kind: crate::expr::ast::ExprKind::Default(None),
                                ..
                            },
                        ) if declared.is_some() => {
                            let t = declared.unwrap_or(Type::Object);
                            let node = super::compile::default_node(t).ok_or_else(|| {
                                CompileError::new(
                                    format!("default({t}) is not supported yet"),
                                    e.span,
                                )
                            })?;
                            (Some(node), Some((t, e.span)))
                        }
                        Some(e) => {
                            let (node, t) = self.compiler.value(e)?;
                            (Some(node), Some((t, e.span)))
                        }
                        None => (None, None),
                    };
                    let local_ty = match (declared, init_ty) {
                        (Some(d), Some((t, s))) => {
                            if !assignable(t, d) {
                                return Err(CompileError::new(
                                    format!("Cannot implicitly convert type '{t}' to '{d}'"),
                                    s,
                                ));
                            }
                            d
                        }
                        (Some(d), None) => d,
                        (None, Some((Type::Null, s))) => {
                            return Err(CompileError::new(
                                "Cannot assign <null> to an implicitly-typed variable",
                                s,
                            ));
                        }
                        (None, Some((Type::Void, s))) => {
                            return Err(CompileError::new(
                                "Cannot assign void to an implicitly-typed variable",
                                s,
                            ));
                        }
                        (None, Some((t, _))) => t,
                        (None, None) => {
                            return Err(CompileError::new(
                                "Implicitly-typed variables must be initialized",
                                d.name.span,
                            ));
                        }
                    };
                    let slot = self.compiler.declare(&d.name, local_ty)?;
                    if let Some(value) = init {
                        out.push(StmtNode::Set { slot, value });
                    }
                }
                Ok(StmtNode::Block(out))
            }
            StmtKind::Expr(e) => self.expression_statement(e),
            StmtKind::Return(None) if self.void => Ok(StmtNode::Return(None)),
            StmtKind::Return(Some(e)) if self.void => Err(CompileError::new(
                "Since the local function returns void, a return keyword must not be followed by an object expression",
                e.span,
            )),
            StmtKind::Return(value) => {
                let Some(e) = value else {
                    return Err(CompileError::new(
                        "An object of a type convertible to the expression's result is required",
                        span,
                    ));
                };
                let (node, ty) = self.compiler.value(e)?;
                self.return_type = Some(match self.return_type {
                    None => ty,
                    Some(prev) => common_type(prev, ty).unwrap_or(Type::Object),
                });
                Ok(StmtNode::Return(Some(node)))
            }
            StmtKind::If {
                condition,
                then_branch,
                else_branch,
            } => Ok(StmtNode::If {
                condition: self.compiler.boolean(condition)?,
                then_branch: Box::new(self.nested(then_branch)?),
                else_branch: match else_branch {
                    Some(e) => Some(Box::new(self.nested(e)?)),
                    None => None,
                },
            }),
            StmtKind::While { condition, body } => {
                let condition = self.compiler.boolean(condition)?;
                let body = self.loop_body(body)?;
                Ok(StmtNode::While {
                    condition,
                    body: Box::new(body),
                    span,
                })
            }
            StmtKind::DoWhile { body, condition } => {
                let body = self.loop_body(body)?;
                Ok(StmtNode::DoWhile {
                    body: Box::new(body),
                    condition: self.compiler.boolean(condition)?,
                    span,
                })
            }
            StmtKind::For {
                init,
                condition,
                step,
                body,
            } => {
                let mark = self.compiler.scope_mark();
                let mut init_nodes = Vec::new();
                for s in init {
                    init_nodes.push(self.statement(s)?);
                }
                let condition = condition
                    .as_ref()
                    .map(|c| self.compiler.boolean(c))
                    .transpose()?;
                let mut step_nodes = Vec::new();
                for e in step {
                    step_nodes.push(self.expression_statement(e)?);
                }
                let body = self.loop_body(body)?;
                self.compiler.scope_restore(mark);
                Ok(StmtNode::For {
                    init: init_nodes,
                    condition,
                    step: step_nodes,
                    body: Box::new(body),
                    span,
                })
            }
            StmtKind::ForEach {
                ty,
                name,
                collection,
                body,
            } => {
                let (collection, collection_ty) = self.compiler.value(collection)?;
                let item = super::lib::element_type(collection_ty).ok_or_else(|| {
                    CompileError::new(
                        format!("foreach statement cannot operate on variables of type '{collection_ty}'"),
                        span,
                    )
                })?;
                let mut cast = None;
                let item_ty = match ty {
                    Some(t) => {
                        let t = resolve_type(t)?;
                        // foreach casts explicitly (§13.9.5): a derived type is checked per item.
                        if super::lib::base_of(t) == Some(item) {
                            cast = Some(t);
                        } else if !assignable(item, t) {
                            return Err(CompileError::new(
                                format!("Cannot convert type '{item}' to '{t}'"),
                                span,
                            ));
                        }
                        t
                    }
                    None => item,
                };
                let mark = self.compiler.scope_mark();
                let slot = self.compiler.declare(name, item_ty)?;
                let body = self.loop_body(body);
                self.compiler.scope_restore(mark);
                Ok(StmtNode::ForEach {
                    slot,
                    collection,
                    cast,
                    body: Box::new(body?),
                    span,
                })
            }
            StmtKind::Break | StmtKind::Continue if self.loops == 0 => Err(CompileError::new(
                "No enclosing loop out of which to break or continue",
                span,
            )),
            StmtKind::Break => Ok(StmtNode::Break),
            StmtKind::Continue => Ok(StmtNode::Continue),
            StmtKind::Throw(None) if self.catches == 0 => Err(CompileError::new(
                "A throw statement with no arguments is not allowed outside of a catch clause",
                span,
            )),
            StmtKind::Throw(value) => {
                let kind = match value.as_ref().map(|e| &e.kind) {
                    Some(ExprKind::New { ty: Some(ty), .. }) => {
                        let name = ty.path.last().map_or("", |i| i.name.as_str());
                        thrown_kind(name).ok_or_else(|| {
                            CompileError::new(
                                format!("The type or namespace name '{name}' could not be found"),
                                ty.span,
                            )
                        })?
                    }
                    _ => ExceptionKind::Exception,
                };
                let value = match value {
                    Some(e) => {
                        let (node, ty) = self.compiler.value(e)?;
                        if ty != Type::Exception {
                            return Err(CompileError::new(
                                "The type caught or thrown must be derived from System.Exception",
                                e.span,
                            ));
                        }
                        Some(node)
                    }
                    None => None,
                };
                Ok(StmtNode::Throw { value, kind, span })
            }
            StmtKind::Try {
                body,
                catches,
                finally,
            } => {
                let body = self.block(&body.statements)?;
                let mut compiled = Vec::new();
                for c in catches {
                    let mark = self.compiler.scope_mark();
                    let kinds = match &c.ty {
                        None => None,
                        Some(t) => exception_filter(t)?,
                    };
                    let binding = match &c.name {
                        Some(n) => Some(self.compiler.declare(n, Type::Exception)?),
                        None => None,
                    };
                    let filter = c
                        .filter
                        .as_ref()
                        .map(|f| self.compiler.boolean(f))
                        .transpose()?;
                    self.catches += 1;
                    let body = self.block(&c.body.statements);
                    self.catches -= 1;
                    let body = body?;
                    self.compiler.scope_restore(mark);
                    compiled.push(Catch {
                        kinds,
                        binding,
                        filter,
                        body,
                    });
                }
                let finally = match finally {
                    Some(f) => Some(Box::new(self.block(&f.statements)?)),
                    None => None,
                };
                Ok(StmtNode::Try {
                    body: Box::new(body),
                    catches: compiled,
                    finally,
                })
            }
            StmtKind::Switch { value, sections } => {
                let (value, value_ty) = self.compiler.value(value)?;
                let kind = match value_ty {
                    Type::String => super::eval::CompareKind::String,
                    Type::Boolean => super::eval::CompareKind::Bool,
                    t if t.is_numeric() => super::eval::CompareKind::Integer,
                    t if super::lib::is_enum(t) => super::eval::CompareKind::Integer,
                    t => {
                        return Err(CompileError::new(
                            format!("switch on a value of type '{t}' is not supported"),
                            span,
                        ));
                    }
                };
                let mut out = Vec::new();
                self.loops += 1; // `break` leaves a switch section
                for section in sections {
                    let mut labels = Vec::new();
                    for label in &section.labels {
                        match label {
                            ast::SwitchLabel::Default => labels.push(None),
                            ast::SwitchLabel::Case(e) => {
                                labels.push(Some(self.compiler.value(e)?.0))
                            }
                            ast::SwitchLabel::Pattern { ty, .. } => {
                                self.loops -= 1;
                                return Err(CompileError::new(
                                    "type patterns in switch are not supported yet",
                                    ty.span,
                                ));
                            }
                        }
                    }
                    let mark = self.compiler.scope_mark();
                    let mut body = Vec::new();
                    for s in &section.statements {
                        body.push(self.statement(s)?);
                    }
                    self.compiler.scope_restore(mark);
                    out.push((labels, body));
                }
                self.loops -= 1;
                Ok(StmtNode::Switch {
                    value,
                    kind,
                    sections: out,
                })
            }
            StmtKind::LocalFunction {
                return_type,
                name,
                params,
                body,
            } => self.local_function(return_type, name, params, body),
        }
    }

    /// Compiles a local function's body into the program's function table. Its parameters and
    /// locals get slots of their own (saved and restored around each call, so it may recurse);
    /// the enclosing block's locals it uses are shared, as C# captures them.
    fn local_function(
        &mut self,
        return_type: &ast::TypeRef,
        name: &ast::Ident,
        params: &[ast::LambdaParam],
        body: &LambdaBody,
    ) -> Result<StmtNode, CompileError> {
        let index = match self.compiler.functions.find_declared(name) {
            Some(index) => index,
            None => {
                let signature = signature(return_type, params)?;
                self.compiler.functions.declare(name, signature)?
            }
        };
        let (param_types, result) = self.compiler.functions.signature_of(index);
        let mark = self.compiler.scope_mark();
        let first = self.compiler.slots();
        let mut slots = Vec::with_capacity(params.len());
        for (param, ty) in params.iter().zip(param_types) {
            match self.compiler.declare(&param.name, ty) {
                Ok(slot) => slots.push(slot),
                Err(e) => {
                    self.compiler.scope_restore(mark);
                    return Err(e);
                }
            }
        }
        let void = result == Type::Void;
        let mut inner = BlockCompiler {
            compiler: &mut *self.compiler,
            return_type: None,
            loops: 0,
            catches: 0,
            void,
        };
        let compiled = inner.function_body(body, result, void, name);
        let end = self.compiler.slots();
        self.compiler.scope_restore(mark);
        self.compiler.functions.define(
            index,
            LocalFunction {
                params: slots,
                first,
                end,
                body: compiled?,
                void,
            },
        );
        Ok(StmtNode::Empty)
    }

    fn function_body(
        &mut self,
        body: &LambdaBody,
        result: Type,
        void: bool,
        name: &ast::Ident,
    ) -> Result<StmtNode, CompileError> {
        let mismatch = |ty: Type, span: Span| {
            CompileError::new(
                format!("Cannot implicitly convert type '{ty}' to '{result}'"),
                span,
            )
        };
        match body {
            LambdaBody::Expr(e) => {
                let (node, ty) = self.compiler.value(e)?;
                if void {
                    return Ok(StmtNode::Expr(node));
                }
                if !assignable(ty, result) {
                    return Err(mismatch(ty, e.span));
                }
                Ok(StmtNode::Return(Some(node)))
            }
            LambdaBody::Block(block) => {
                let node = self.block(&block.statements)?;
                if !void && !always_returns(&block.statements) {
                    return Err(CompileError::new(
                        format!("'{}': not all code paths return a value", name.name),
                        name.span,
                    ));
                }
                if let Some(ty) = self.return_type
                    && !assignable(ty, result)
                {
                    return Err(mismatch(ty, block.span));
                }
                Ok(node)
            }
        }
    }

    fn loop_body(&mut self, body: &Stmt) -> Result<StmtNode, CompileError> {
        self.loops += 1;
        let node = self.nested(body);
        self.loops -= 1;
        node
    }

    /// An expression statement: an assignment, `++`/`--`, or a call.
    fn expression_statement(&mut self, e: &Expr) -> Result<StmtNode, CompileError> {
        match &e.kind {
            ExprKind::Assign { op, target, value }
                if matches!(target.kind, ExprKind::Index { .. }) =>
            {
                if let Some(node) =
                    self.collection_element_assignment(*op, target, value, e.span)?
                {
                    return Ok(StmtNode::Expr(node));
                }
                self.element_assignment(op, target, value, e.span)
            }
            ExprKind::Assign { op, target, value } => {
                let (slot, ty) = self.assignable_local(target)?;
                let (value_node, value_ty) = match op {
                    AssignOp::Assign => self.compiler.value(value)?,
                    AssignOp::Compound(bin) => {
                        let (right, right_ty) = self.compiler.value(value)?;
                        self.compound(*bin, slot, ty, right, right_ty, e.span)?
                    }
                };
                if !assignable(value_ty, ty) {
                    return Err(CompileError::new(
                        format!("Cannot implicitly convert type '{value_ty}' to '{ty}'"),
                        value.span,
                    ));
                }
                Ok(StmtNode::Set {
                    slot,
                    value: value_node,
                })
            }
            ExprKind::Unary {
                op:
                    op @ (UnaryOp::PreIncrement
                    | UnaryOp::PostIncrement
                    | UnaryOp::PreDecrement
                    | UnaryOp::PostDecrement),
                operand,
            } => {
                let (slot, ty) = self.assignable_local(operand)?;
                let bin = if matches!(op, UnaryOp::PreIncrement | UnaryOp::PostIncrement) {
                    BinaryOp::Add
                } else {
                    BinaryOp::Subtract
                };
                let one = Node::Const(super::eval::Constant::Int(1));
                let (value, _) = self.compound(bin, slot, ty, one, Type::Int32, e.span)?;
                Ok(StmtNode::Set { slot, value })
            }
            ExprKind::Call { .. } => Ok(StmtNode::Expr(self.compiler.value(e)?.0)),
            _ => Err(CompileError::new(
                "Only assignment, call, increment, decrement, and new object expressions can be used as a statement",
                e.span,
            )),
        }
    }

    /// `list[i] = x`, `dict[key] = v` (and `op=`): element assignment on a collection, or
    /// `None` for other targets.
    fn collection_element_assignment(
        &mut self,
        op: AssignOp,
        target: &Expr,
        value: &Expr,
        span: Span,
    ) -> Result<Option<Node>, CompileError> {
        if !matches!(target.kind, ExprKind::Index { .. }) {
            return Ok(None);
        }
        self.compiler.collection_assignment(op, target, value, span)
    }

    /// `owner[index] = value` through the owner type's indexer setter (the library's
    /// `IndexSetterDef` tables: JSON tokens today; collections add theirs beside them).
    fn element_assignment(
        &mut self,
        op: &AssignOp,
        target: &Expr,
        value: &Expr,
        span: Span,
    ) -> Result<StmtNode, CompileError> {
        let ExprKind::Index {
            target: owner,
            args,
            null_conditional,
        } = &target.kind
        else {
            return Err(CompileError::new(
                "The left-hand side of an assignment must be a variable, property or indexer",
                target.span,
            ));
        };
        if *null_conditional {
            return Err(CompileError::new(
                "The left-hand side of an assignment must be a variable, property or indexer",
                target.span,
            ));
        }
        if !matches!(op, AssignOp::Assign) {
            return Err(CompileError::new(
                "compound assignment to an indexer is not supported yet",
                span,
            ));
        }
        let [index] = args.as_slice() else {
            return Err(CompileError::new(
                "Wrong number of indices inside []; expected 1",
                target.span,
            ));
        };
        let (owner_node, owner_ty) = self.compiler.value(owner)?;
        let (index_node, index_ty) = self.compiler.value(index)?;
        let (value_node, value_ty) = self.compiler.value(value)?;
        let def = super::lib::index_setters(owner_ty)
            .find(|d| assignable(index_ty, d.index))
            .ok_or_else(|| {
                let message = if super::lib::indexers(owner_ty).next().is_some() {
                    format!(
                        "Property or indexer '{owner_ty}.this[{index_ty}]' cannot be assigned to -- it is read only"
                    )
                } else {
                    format!(
                        "Cannot apply indexing with [] to an expression of type '{owner_ty}'"
                    )
                };
                CompileError::new(message, target.span)
            })?;
        let fits = assignable(value_ty, def.value)
            || (def.value == Type::JToken && super::lib::converts_to_token(value_ty));
        if !fits {
            return Err(CompileError::new(
                format!(
                    "Cannot implicitly convert type '{value_ty}' to '{}'",
                    def.value
                ),
                value.span,
            ));
        }
        Ok(StmtNode::Expr(Node::Method {
            target: Box::new(owner_node),
            call: def.set,
            args: Box::new([index_node, value_node]),
            null_conditional: false,
            span,
        }))
    }

    fn assignable_local(&self, target: &Expr) -> Result<(u16, Type), CompileError> {
        match &target.kind {
            ExprKind::Name(name) => self.compiler.local(&name.name).ok_or_else(|| {
                CompileError::new(
                    format!(
                        "The name '{}' does not exist in the current context",
                        name.name
                    ),
                    name.span,
                )
            }),
            _ => Err(CompileError::new(
                "The left-hand side of an assignment must be a local variable here",
                target.span,
            )),
        }
    }

    /// `local op right` for compound assignment and `++`/`--`.
    fn compound(
        &self,
        op: BinaryOp,
        slot: u16,
        ty: Type,
        right: Node,
        right_ty: Type,
        span: Span,
    ) -> Result<(Node, Type), CompileError> {
        let left = Node::Local(slot);
        if op == BinaryOp::Add && ty == Type::String {
            return Ok((Node::Concat(Box::new(left), Box::new(right)), Type::String));
        }
        // Library operators (`decimal`, `DateTime += TimeSpan`) whose result fits the local.
        if let Some((call, result)) = crate::expr::lib::operator(op, ty, right_ty)
            && result == ty
        {
            let node = Node::Operator {
                call,
                left: Box::new(left),
                right: Box::new(right),
                span,
            };
            return Ok((node, ty));
        }
        // Bitwise and shift operators (`<<=`, `&=`, `|=`, ...) whose result fits the local.
        if let Some((call, result)) = super::operators::operator(op, ty, right_ty)
            && result == ty
        {
            let node = Node::Operator {
                call,
                left: Box::new(left),
                right: Box::new(right),
                span,
            };
            return Ok((node, ty));
        }
        let arith = match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Subtract => ArithOp::Subtract,
            BinaryOp::Multiply => ArithOp::Multiply,
            BinaryOp::Divide => ArithOp::Divide,
            BinaryOp::Remainder => ArithOp::Remainder,
            _ => {
                return Err(CompileError::new(
                    "this compound assignment is not supported yet",
                    span,
                ));
            }
        };
        let kind = num_kind(ty, right_ty).ok_or_else(|| {
            CompileError::new(
                format!("Operator cannot be applied to operands of type '{ty}' and '{right_ty}'"),
                span,
            )
        })?;
        let node = Node::Arith {
            op: arith,
            kind,
            left: Box::new(left),
            right: Box::new(right),
            span,
        };
        // Compound assignment converts the result back to the variable's type, as C# does.
        if num_type(kind) == ty {
            Ok((node, ty))
        } else {
            Ok((
                Node::Numeric {
                    to: ty,
                    operand: Box::new(node),
                    span,
                },
                ty,
            ))
        }
    }
}

/// The message of the marker a bare `throw;` raises; the `catch` running it swaps in the
/// exception it caught.
const RETHROW: &str = "\u{0}rethrow";

/// The kind a `throw new T(...)` raises.
fn thrown_kind(name: &str) -> Option<ExceptionKind> {
    Some(match name {
        "Exception" => ExceptionKind::Exception,
        "ArgumentException" => ExceptionKind::Argument,
        "ArithmeticException" => ExceptionKind::Arithmetic,
        "JsonException" => ExceptionKind::Json,
        "JsonReaderException" => ExceptionKind::JsonReader,
        "NullReferenceException" => ExceptionKind::NullReference,
        "InvalidCastException" => ExceptionKind::InvalidCast,
        "ArgumentOutOfRangeException" => ExceptionKind::ArgumentOutOfRange,
        "ArgumentNullException" => ExceptionKind::ArgumentNull,
        "FormatException" => ExceptionKind::Format,
        "KeyNotFoundException" => ExceptionKind::KeyNotFound,
        "IndexOutOfRangeException" => ExceptionKind::IndexOutOfRange,
        "InvalidOperationException" => ExceptionKind::InvalidOperation,
        "DivideByZeroException" => ExceptionKind::DivideByZero,
        "OverflowException" => ExceptionKind::Overflow,
        "OutOfMemoryException" => ExceptionKind::OutOfMemory,
        "UriFormatException" => ExceptionKind::UriFormat,
        _ => return None,
    })
}

/// The `Message` of `new T(args)` (the arguments are strings): the message given, .NET's
/// default text for `T`, or for `ArgumentNullException`/`ArgumentOutOfRangeException(paramName)`
/// and `ArgumentException(message, paramName)` the message with `(Parameter 'name')`.
pub(crate) fn exception_message(name: &str, mut args: Vec<Node>) -> Option<Node> {
    use super::eval::Constant;
    let text = |s: &str| Node::Const(Constant::Str(s.into()));
    let concat = |a: Node, b: Node| Node::Concat(Box::new(a), Box::new(b));
    let with_param = |message: Node, param: Node| {
        concat(
            concat(concat(message, text(" (Parameter '")), param),
            text("')"),
        )
    };
    const NULL: &str = "Value cannot be null.";
    const RANGE: &str = "Specified argument was out of the range of valid values.";
    match (name, args.len()) {
        (_, 0) => Some(text(&default_message(name))),
        ("ArgumentNullException", 1) => Some(with_param(text(NULL), args.pop()?)),
        ("ArgumentOutOfRangeException", 1) => Some(with_param(text(RANGE), args.pop()?)),
        ("ArgumentNullException" | "ArgumentOutOfRangeException", 2) => {
            let message = args.pop()?;
            let param = args.pop()?;
            Some(with_param(message, param))
        }
        ("ArgumentException", 2) => {
            let param = args.pop()?;
            let message = args.pop()?;
            Some(with_param(message, param))
        }
        (_, 1) => args.pop(),
        _ => None,
    }
}

/// .NET's message for an exception made without one.
fn default_message(name: &str) -> String {
    match name {
        "ArgumentException" => "Value does not fall within the expected range.",
        "ArgumentNullException" => "Value cannot be null.",
        "ArgumentOutOfRangeException" => "Specified argument was out of the range of valid values.",
        "FormatException" => "One of the identified items was in an invalid format.",
        "InvalidOperationException" => {
            "Operation is not valid due to the current state of the object."
        }
        "NullReferenceException" => "Object reference not set to an instance of an object.",
        "InvalidCastException" => "Specified cast is not valid.",
        "KeyNotFoundException" => "The given key was not present in the dictionary.",
        "IndexOutOfRangeException" => "Index was outside the bounds of the array.",
        "DivideByZeroException" => "Attempted to divide by zero.",
        "OverflowException" => "Arithmetic operation resulted in an overflow.",
        "ArithmeticException" => "Overflow or underflow in the arithmetic operation.",
        "OutOfMemoryException" => "Insufficient memory to continue the execution of the program.",
        _ => {
            let full = thrown_kind(name).map_or("System.Exception", ExceptionKind::type_name);
            return format!("Exception of type '{full}' was thrown.");
        }
    }
    .to_owned()
}

/// The exception type names a `catch (T)` clause catches; `Exception` catches all.
fn exception_filter(ty: &ast::TypeRef) -> Result<Option<Vec<&'static str>>, CompileError> {
    let name = ty.path.last().map(|i| i.name.as_str()).unwrap_or("");
    let kinds: &[ExceptionKind] = match name {
        "Exception" => return Ok(None),
        "NullReferenceException" => &[ExceptionKind::NullReference],
        "InvalidCastException" => &[ExceptionKind::InvalidCast],
        "ArgumentException" => &[
            ExceptionKind::Argument,
            ExceptionKind::ArgumentNull,
            ExceptionKind::ArgumentOutOfRange,
        ],
        "ArgumentOutOfRangeException" => &[ExceptionKind::ArgumentOutOfRange],
        "ArgumentNullException" => &[ExceptionKind::ArgumentNull],
        "FormatException" => &[ExceptionKind::Format, ExceptionKind::UriFormat],
        "KeyNotFoundException" => &[ExceptionKind::KeyNotFound],
        "IndexOutOfRangeException" => &[ExceptionKind::IndexOutOfRange],
        "InvalidOperationException" => &[ExceptionKind::InvalidOperation],
        "DivideByZeroException" => &[ExceptionKind::DivideByZero],
        "ArithmeticException" => &[
            ExceptionKind::DivideByZero,
            ExceptionKind::Overflow,
            ExceptionKind::Arithmetic,
        ],
        "OverflowException" => &[ExceptionKind::Overflow],
        "UriFormatException" => &[ExceptionKind::UriFormat],
        "JsonReaderException" => &[ExceptionKind::JsonReader],
        "JsonException" => &[ExceptionKind::Json, ExceptionKind::JsonReader],
        "SystemException" => &[
            ExceptionKind::NullReference,
            ExceptionKind::InvalidCast,
            ExceptionKind::Argument,
            ExceptionKind::ArgumentNull,
            ExceptionKind::DivideByZero,
            ExceptionKind::Overflow,
            ExceptionKind::InvalidOperation,
            ExceptionKind::KeyNotFound,
            ExceptionKind::IndexOutOfRange,
            ExceptionKind::Format,
            ExceptionKind::ArgumentOutOfRange,
            ExceptionKind::Arithmetic,
            ExceptionKind::OutOfMemory,
            ExceptionKind::UriFormat,
        ],
        "RegexMatchTimeoutException" | "TimeoutException" => &[ExceptionKind::RegexMatchTimeout],
        _ => {
            return Err(CompileError::new(
                format!("The type or namespace name '{name}' could not be found"),
                ty.span,
            ));
        }
    };
    Ok(Some(kinds.iter().map(|k| k.type_name()).collect()))
}

/// Whether every path through `statements` ends in `return` or `throw`.
fn always_returns(statements: &[Stmt]) -> bool {
    statements.iter().any(stmt_always_returns)
}

fn stmt_always_returns(statement: &Stmt) -> bool {
    match &statement.kind {
        StmtKind::Return(_) | StmtKind::Throw(_) => true,
        StmtKind::Block(b) => always_returns(&b.statements),
        StmtKind::If {
            then_branch,
            else_branch: Some(else_branch),
            ..
        } => stmt_always_returns(then_branch) && stmt_always_returns(else_branch),
        StmtKind::While { condition, body } => {
            matches!(condition.kind, ExprKind::Literal(ast::Literal::Bool(true))) && !breaks(body)
        }
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            finally
                .as_ref()
                .is_some_and(|f| always_returns(&f.statements))
                || (always_returns(&body.statements)
                    && catches.iter().all(|c| always_returns(&c.body.statements)))
        }
        StmtKind::Switch { sections, .. } => {
            sections
                .iter()
                .any(|s| s.labels.contains(&ast::SwitchLabel::Default))
                && sections.iter().all(|s| always_returns(&s.statements))
        }
        _ => false,
    }
}

/// Whether `statement` contains a `break` for the loop it is the body of.
fn breaks(statement: &Stmt) -> bool {
    match &statement.kind {
        StmtKind::Break => true,
        StmtKind::Block(b) => b.statements.iter().any(breaks),
        StmtKind::If {
            then_branch,
            else_branch,
            ..
        } => breaks(then_branch) || else_branch.as_ref().is_some_and(|e| breaks(e)),
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            body.statements.iter().any(breaks)
                || catches.iter().any(|c| c.body.statements.iter().any(breaks))
                || finally
                    .as_ref()
                    .is_some_and(|f| f.statements.iter().any(breaks))
        }
        _ => false,
    }
}

/// A block-bodied lambda (`x => { ...; return y; }`): its statements as one node, and the type
/// its returns agree on.
pub(crate) fn compile_lambda(
    compiler: &mut Compiler,
    block: &ast::Block,
) -> Result<(Node, Type), CompileError> {
    let (node, ty) = compile_block(compiler, block)?;
    Ok((Node::Statements(Box::new(node)), ty))
}

/// A local function's signature: parameter types and return type.
#[derive(Debug, Clone)]
struct Signature {
    params: Vec<Type>,
    result: Type,
}

fn signature(
    return_type: &ast::TypeRef,
    params: &[ast::LambdaParam],
) -> Result<Signature, CompileError> {
    let result = match return_type.path.as_slice() {
        [only] if only.name == "void" && return_type.array_ranks.is_empty() => Type::Void,
        [only] if only.name == "var" => {
            return Err(CompileError::new(
                "The contextual keyword 'var' may only appear within a local variable declaration",
                return_type.span,
            ));
        }
        _ => resolve_type(return_type)?,
    };
    let mut types = Vec::with_capacity(params.len());
    for p in params {
        let ty = p.ty.as_ref().ok_or_else(|| {
            CompileError::new("A local function parameter needs a type", p.name.span)
        })?;
        types.push(resolve_type(ty)?);
    }
    Ok(Signature {
        params: types,
        result,
    })
}

/// The local functions of a program: those in scope while compiling, and every body.
#[derive(Debug, Default)]
pub(crate) struct Functions {
    scope: Vec<(String, u16)>,
    signatures: Vec<Signature>,
    bodies: Vec<Option<LocalFunction>>,
}

impl Functions {
    /// The local function `name` in scope.
    pub(crate) fn find(&self, name: &str) -> Option<u16> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, i)| *i)
    }

    /// The function declared by the statement naming `name` (the innermost, not yet defined).
    fn find_declared(&self, name: &ast::Ident) -> Option<u16> {
        self.find(&name.name).filter(|i| {
            self.bodies
                .get(usize::from(*i))
                .is_some_and(Option::is_none)
        })
    }

    fn mark(&self) -> usize {
        self.scope.len()
    }

    fn restore(&mut self, mark: usize) {
        self.scope.truncate(mark);
    }

    fn declare(&mut self, name: &ast::Ident, signature: Signature) -> Result<u16, CompileError> {
        let index = u16::try_from(self.signatures.len())
            .map_err(|_| CompileError::new("too many local functions", name.span))?;
        self.signatures.push(signature);
        self.bodies.push(None);
        self.scope.push((name.name.clone(), index));
        Ok(index)
    }

    fn signature_of(&self, index: u16) -> (Vec<Type>, Type) {
        self.signatures
            .get(usize::from(index))
            .map_or((Vec::new(), Type::Void), |s| (s.params.clone(), s.result))
    }

    fn define(&mut self, index: u16, function: LocalFunction) {
        if let Some(slot) = self.bodies.get_mut(usize::from(index)) {
            *slot = Some(function);
        }
    }

    /// Every compiled body, by index.
    pub(crate) fn take(&mut self) -> Vec<LocalFunction> {
        std::mem::take(&mut self.bodies)
            .into_iter()
            .map(|b| {
                b.unwrap_or(LocalFunction {
                    params: Vec::new(),
                    first: 0,
                    end: 0,
                    body: StmtNode::Empty,
                    void: true,
                })
            })
            .collect()
    }
}

/// A compiled local function.
#[derive(Debug)]
pub(crate) struct LocalFunction {
    /// The parameters' slots.
    params: Vec<u16>,
    /// The slots it owns (parameters, locals, lambdas within): `first..end`.
    first: u16,
    end: u16,
    body: StmtNode,
    void: bool,
}

/// The call `name(args)` of local function `function`: checks the arguments.
pub(crate) fn call_node(
    compiler: &Compiler,
    function: u16,
    args: Vec<(Node, Type)>,
    name: &ast::Ident,
    span: Span,
) -> Result<(Node, Type), CompileError> {
    let (params, result) = compiler.functions.signature_of(function);
    if params.len() != args.len() {
        return Err(CompileError::new(
            format!(
                "No overload for method '{}' takes {} arguments",
                name.name,
                args.len()
            ),
            span,
        ));
    }
    for (i, (param, (_, arg))) in params.iter().zip(&args).enumerate() {
        if !assignable(*arg, *param) {
            return Err(CompileError::new(
                format!(
                    "Argument {}: cannot convert from '{arg}' to '{param}'",
                    i + 1
                ),
                span,
            ));
        }
    }
    Ok((
        Node::LocalCall {
            function,
            args: args.into_iter().map(|(n, _)| n).collect(),
            span,
        },
        result,
    ))
}

/// Most local function calls that may be running at once (recursion depth).
pub const MAX_CALL_DEPTH: u32 = 100;

/// Runs local function `function` with `args`.
pub(crate) fn call_local<'a>(
    function: u16,
    args: &[Value<'a>],
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let functions = frame.functions;
    let Some(f) = functions.get(usize::from(function)) else {
        return Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "The local function is not defined.",
            span,
        ));
    };
    frame.tick(span)?;
    if frame.depth >= MAX_CALL_DEPTH {
        return Err(Exception::new(
            ExceptionKind::InvalidOperation,
            format!(
                "The expression exceeded the limit of {MAX_CALL_DEPTH} nested local function calls."
            ),
            span,
        ));
    }
    let saved: Vec<Value<'a>> = (f.first..f.end).map(|s| frame.get(s)).collect();
    for (slot, value) in f.params.iter().zip(args) {
        frame.set(*slot, value.clone());
    }
    frame.depth += 1;
    let result = match exec(&f.body, frame) {
        Ok(Control::Return(v)) => Ok(v),
        Ok(_) if f.void => Ok(Value::Null),
        Ok(_) => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "The local function ended without returning a value.",
            span,
        )),
        Err(e) => Err(e),
    };
    frame.depth -= 1;
    for (slot, value) in (f.first..f.end).zip(saved) {
        frame.set(slot, value);
    }
    result
}

/// Runs a compiled block; the value of its `return`.
pub(crate) fn run<'a>(block: &'a StmtNode, frame: &mut Frame<'a>) -> Result<Value<'a>, Exception> {
    match exec(block, frame)? {
        Control::Return(value) => Ok(value),
        // Compile-time analysis guarantees a return; reaching here means a loop fell through.
        _ => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "The multi-statement expression ended without returning a value.",
            Span::default(),
        )),
    }
}

fn truth(value: &Value<'_>) -> bool {
    matches!(value, Value::Bool(true))
}

fn exec<'a>(statement: &'a StmtNode, frame: &mut Frame<'a>) -> Result<Control<'a>, Exception> {
    match statement {
        StmtNode::Empty => Ok(Control::Normal),
        StmtNode::Program { functions, body } => {
            frame.functions = functions;
            exec(body, frame)
        }
        StmtNode::Expr(node) => {
            eval(node, frame)?;
            Ok(Control::Normal)
        }
        StmtNode::Set { slot, value } => {
            let value = eval(value, frame)?;
            frame.set(*slot, value);
            Ok(Control::Normal)
        }
        StmtNode::Block(statements) => {
            for s in statements {
                match exec(s, frame)? {
                    Control::Normal => {}
                    other => return Ok(other),
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::Return(value) => Ok(Control::Return(match value {
            Some(v) => eval(v, frame)?,
            None => Value::Null,
        })),
        StmtNode::If {
            condition,
            then_branch,
            else_branch,
        } => {
            if truth(&eval(condition, frame)?) {
                exec(then_branch, frame)
            } else if let Some(e) = else_branch {
                exec(e, frame)
            } else {
                Ok(Control::Normal)
            }
        }
        StmtNode::While {
            condition,
            body,
            span,
        } => {
            while truth(&eval(condition, frame)?) {
                frame.tick(*span)?;
                match exec(body, frame)? {
                    Control::Break => break,
                    Control::Return(v) => return Ok(Control::Return(v)),
                    Control::Normal | Control::Continue => {}
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::DoWhile {
            body,
            condition,
            span,
        } => {
            loop {
                frame.tick(*span)?;
                match exec(body, frame)? {
                    Control::Break => break,
                    Control::Return(v) => return Ok(Control::Return(v)),
                    Control::Normal | Control::Continue => {}
                }
                if !truth(&eval(condition, frame)?) {
                    break;
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::For {
            init,
            condition,
            step,
            body,
            span,
        } => {
            for s in init {
                exec(s, frame)?;
            }
            loop {
                if let Some(c) = condition
                    && !truth(&eval(c, frame)?)
                {
                    break;
                }
                frame.tick(*span)?;
                match exec(body, frame)? {
                    Control::Break => break,
                    Control::Return(v) => return Ok(Control::Return(v)),
                    Control::Normal | Control::Continue => {}
                }
                for s in step {
                    exec(s, frame)?;
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::ForEach {
            slot,
            collection,
            cast,
            body,
            span,
        } => {
            let collection = eval(collection, frame)?;
            let version = super::lib::collection_version(&collection);
            let mut index = 0usize;
            loop {
                // A list, set or dictionary changed by the loop body fails the next step, as
                // .NET's enumerators do.
                if version.is_some() && super::lib::collection_version(&collection) != version {
                    return Err(super::lib::modified(*span));
                }
                let Some(item) = super::lib::item_at(&collection, index, *span)? else {
                    break;
                };
                index += 1;
                frame.tick(*span)?;
                let item = match cast {
                    Some(ty) => super::convert::cast(item, *ty).map_err(|mut e| {
                        e.span = *span;
                        e
                    })?,
                    None => item,
                };
                frame.set(*slot, item);
                match exec(body, frame)? {
                    Control::Break => break,
                    Control::Return(v) => return Ok(Control::Return(v)),
                    Control::Normal | Control::Continue => {}
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::Break => Ok(Control::Break),
        StmtNode::Continue => Ok(Control::Continue),
        StmtNode::Throw {
            value: Some(value),
            kind,
            span,
        } => {
            let message = eval(value, frame)?.to_display_string();
            Err(Exception::new(*kind, message, *span))
        }
        StmtNode::Throw {
            value: None, span, ..
        } => Err(Exception::new(ExceptionKind::Exception, RETHROW, *span)),
        StmtNode::Try {
            body,
            catches,
            finally,
        } => {
            let result = match exec(body, frame) {
                Ok(control) => Ok(control),
                Err(exception) => catch(catches, exception, frame),
            };
            if let Some(f) = finally {
                match exec(f, frame)? {
                    Control::Normal => {}
                    other => return Ok(other),
                }
            }
            result
        }
        StmtNode::Switch {
            value,
            kind,
            sections,
        } => {
            let value = eval(value, frame)?;
            let mut chosen = None;
            'find: for (i, (labels, _)) in sections.iter().enumerate() {
                for label in labels.iter().flatten() {
                    let candidate = eval(label, frame)?;
                    if super::eval::compare_values(
                        super::eval::CompareOp::Equal,
                        *kind,
                        &value,
                        &candidate,
                    ) {
                        chosen = Some(i);
                        break 'find;
                    }
                }
            }
            let chosen = chosen.or_else(|| {
                sections
                    .iter()
                    .position(|(labels, _)| labels.iter().any(Option::is_none))
            });
            if let Some((_, body)) = chosen.and_then(|i| sections.get(i)) {
                for s in body {
                    match exec(s, frame)? {
                        Control::Normal => {}
                        Control::Break => break,
                        other => return Ok(other),
                    }
                }
            }
            Ok(Control::Normal)
        }
    }
}

fn catch<'a>(
    catches: &'a [Catch],
    exception: Exception,
    frame: &mut Frame<'a>,
) -> Result<Control<'a>, Exception> {
    for c in catches {
        let matches = c
            .kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&exception.kind.type_name()));
        if !matches {
            continue;
        }
        if let Some(slot) = c.binding {
            frame.set(
                slot,
                Value::String(std::sync::Arc::from(exception.message.as_ref())),
            );
        }
        if let Some(filter) = &c.filter
            && !truth(&eval(filter, frame)?)
        {
            continue;
        }
        return exec(&c.body, frame).map_err(|e| {
            if e.kind == ExceptionKind::Exception && e.message == RETHROW {
                exception
            } else {
                e
            }
        });
    }
    Err(exception)
}
