//! Function receivers and parameters.

use super::*;

/// How a method takes `self`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receiver {
    None,
    Value,
    Ref,
    RefMut,
    /// `self: Box<Self>`, `self: Rc<Self>`, `self: Pin<&mut Self>`...
    Typed(String),
}

impl Receiver {
    pub fn describe(&self) -> String {
        match self {
            Receiver::None => "no receiver (an associated function)".into(),
            Receiver::Value => "`self`".into(),
            Receiver::Ref => "`&self`".into(),
            Receiver::RefMut => "`&mut self`".into(),
            Receiver::Typed(t) => format!("`self: {t}`"),
        }
    }
}

pub fn receiver(f: &Function) -> Receiver {
    let Some((name, ty)) = f.sig.inputs.first() else {
        return Receiver::None;
    };
    if name != "self" {
        return Receiver::None;
    }
    let is_self = |t: &Type| matches!(t, Type::Generic(g) if g == "Self");
    match ty {
        t if is_self(t) => Receiver::Value,
        Type::BorrowedRef {
            is_mutable: false,
            type_,
            ..
        } if is_self(type_) => Receiver::Ref,
        Type::BorrowedRef {
            is_mutable: true,
            type_,
            ..
        } if is_self(type_) => Receiver::RefMut,
        other => Receiver::Typed(crate::api::types::render_type(other)),
    }
}

/// Parameters other than the receiver.
pub fn params(f: &Function) -> &[(String, Type)] {
    match f.sig.inputs.first() {
        Some((name, _)) if name == "self" => &f.sig.inputs[1..],
        _ => &f.sig.inputs,
    }
}
