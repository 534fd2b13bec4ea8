//! Policy expressions: the C# subset APIM allows, parsed, compiled and evaluated.

pub mod ast;
pub mod parser;
pub mod print;
