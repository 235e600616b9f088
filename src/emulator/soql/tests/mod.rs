//! Evaluator and shaping tests over a small org built in code.

mod fixture;
mod queries;
mod shapes;
mod volume;
