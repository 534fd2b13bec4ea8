//! Policy expressions: the C# subset APIM allows, parsed ([`parser`]), resolved and type-checked
//! at load ([`compile`]) and evaluated against a request [`Context`] ([`eval`]).
//!
//! A [`Program`] is immutable and `Send + Sync`: compile once when the policy loads, evaluate on
//! every request.

pub mod ast;
mod block;
pub mod compile;
mod convert;
pub mod eval;
mod lib;
mod operators;
pub mod parser;
pub mod print;
pub mod types;
pub mod value;

use crate::context::Context;
use crate::diagnostic::Span;

pub use eval::{EvaluationLimits, Exception, ExceptionKind};
pub use parser::ParseLimits;
pub use types::Type;
pub use value::Value;

/// Which of APIM's two expression forms a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpressionForm {
    /// `@( expression )`: the text is the expression between the parentheses.
    Single,
    /// `@{ statements }`: the text is the statements between the braces.
    Block,
}

/// Why an expression failed to load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    /// Syntax or resolution.
    pub kind: ExprErrorKind,
    /// What is wrong.
    pub message: String,
    /// Where, in bytes of the expression text.
    pub span: Span,
}

/// The stage an expression error comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprErrorKind {
    /// The text is not valid C#.
    Syntax,
    /// A name, member, type or overload does not resolve, or types do not fit.
    Resolve,
}

/// A compiled expression, ready to evaluate.
#[derive(Debug)]
pub struct Program {
    root: Root,
    result_type: Type,
    slots: u16,
}

/// What a program runs: one expression or a block of statements.
#[derive(Debug)]
enum Root {
    Expression(eval::Node),
    Block(block::StmtNode),
}

impl Program {
    /// Parses and compiles an expression text (without its `@(`...`)` or `@{`...`}`).
    pub fn compile(
        text: &str,
        form: ExpressionForm,
        limits: &ParseLimits,
    ) -> Result<Self, ExprError> {
        let resolve = |e: compile::CompileError| ExprError {
            kind: ExprErrorKind::Resolve,
            message: e.message,
            span: e.span,
        };
        let mut compiler = compile::Compiler::new();
        let (root, result_type) = match form {
            ExpressionForm::Single => {
                let expr = parser::parse_expression(text, limits).map_err(syntax)?;
                let (node, ty) = compiler.value(&expr).map_err(resolve)?;
                (Root::Expression(node), ty)
            }
            ExpressionForm::Block => {
                let block = parser::parse_block(text, limits).map_err(syntax)?;
                let (node, ty) = block::compile_block(&mut compiler, &block).map_err(resolve)?;
                (Root::Block(node), ty)
            }
        };
        // Local functions travel with the statements that run them.
        let functions = compiler.functions.take();
        let root = if functions.is_empty() {
            root
        } else {
            let body = match root {
                Root::Block(block) => block,
                Root::Expression(node) => block::StmtNode::Return(Some(node)),
            };
            Root::Block(block::with_functions(functions, body))
        };
        Ok(Self {
            root,
            result_type,
            slots: compiler.slots(),
        })
    }

    /// The static type of the expression's value.
    pub fn result_type(&self) -> Type {
        self.result_type
    }

    /// Evaluates the expression for one request.
    pub fn evaluate<'a>(&'a self, context: &'a Context) -> Result<Value<'a>, Exception> {
        let mut frame = eval::Frame::new(context, self.slots);
        match &self.root {
            Root::Expression(node) => eval::eval(node, &mut frame),
            Root::Block(block) => block::run(block, &mut frame),
        }
    }
}

fn syntax(e: parser::ParseError) -> ExprError {
    ExprError {
        kind: ExprErrorKind::Syntax,
        message: e.message,
        span: e.span,
    }
}
