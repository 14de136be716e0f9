//! Blueprints compiled when lzgen is built, so that `lzgen new` does not
//! compile them again on every run.
//!
//! Handlebars parses a template with a pest grammar, one character of raw
//! text at a time, and finds each token's line by rescanning the text before
//! it: compiling the standard preset's blueprints costs more than rendering
//! them. `build.rs` compiles every embedded blueprint (each piece `pieces`
//! cuts, and each partial) with the same handlebars, turns each template
//! into the plain data below ("freezes" it) and embeds that data, keyed by
//! the hash of the text it came from. At run time a source whose text has a
//! frozen template is rebuilt from the data ("thawed") with handlebars' own
//! public builders; any other text (a blueprint a user replaced, the plain
//! way that reports an error's line) is compiled as before.
//!
//! Handlebars has no serialized form of a template, so this module mirrors
//! its public structure. One thing is left out: the line and column of each
//! element (`Template::mapping`), which only error messages use; on any
//! error the renderer renders again the plain way, which compiles, and
//! reports the line from there. A test thaws every frozen blueprint and requires it equal to what
//! handlebars compiles from the same text (`Template` is `PartialEq`), so a
//! handlebars upgrade that changes the structure fails the build's tests,
//! not a user's render.
//!
//! This file is compiled twice: into lzgen, and into `build.rs` (by path).

use handlebars::template::{
    BlockParam, DecoratorTemplate, DecoratorTemplateBuilder, HelperTemplate, HelperTemplateBuilder,
    Parameter, SubexpressionBuilder, Template, TemplateBuilder, TemplateElement,
};
use handlebars::{Path, PathSeg};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A template as data: its elements, without line and column mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frozen {
    pub name: Option<String>,
    pub elements: Vec<Element>,
}

/// `TemplateElement`, variant for variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Element {
    Raw(String),
    Html(Box<Helper>),
    Expression(Box<Helper>),
    Block(Box<Helper>),
    DecoratorExpression(Box<Decorator>),
    DecoratorBlock(Box<Decorator>),
    Partial(Box<Decorator>),
    PartialBlock(Box<Decorator>),
    Comment(String),
}

/// `HelperTemplate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Helper {
    pub name: Param,
    pub params: Vec<Param>,
    /// Sorted by key, so that the build is reproducible.
    pub hash: Vec<(String, Param)>,
    pub block_param: Option<BlockParams>,
    pub template: Option<Frozen>,
    pub inverse: Option<Frozen>,
    pub block: bool,
    pub chain: bool,
    pub indent_before_write: bool,
}

/// `DecoratorTemplate` (decorators and partials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decorator {
    pub name: Param,
    pub params: Vec<Param>,
    pub hash: Vec<(String, Param)>,
    pub template: Option<Frozen>,
    pub indent: Option<String>,
    pub indent_before_write: bool,
}

/// `Parameter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Param {
    Name(String),
    Path(JsonPath),
    /// The literal as JSON text: the data format below describes no
    /// self-describing values.
    Literal(String),
    Subexpression(Box<Element>),
}

/// `Path`. Handlebars' own path segments for `..`, `@root` and `@index`
/// are of a type it keeps private, so a path holding one is kept as its
/// text and parsed by handlebars when thawed (which gives the same path: the
/// test compares).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JsonPath {
    /// Named segments only, and the text they came from.
    Named(Vec<String>, String),
    /// A `@`-variable: levels up, name, text.
    Local(usize, String, String),
    /// Anything else, by its text.
    Parsed(String),
}

/// `BlockParam`: `as |x|` or `as |x y|`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BlockParams {
    Single(Param),
    Pair(Param, Param),
}

/// A frozen template as bytes. postcard, not JSON: the data has no field
/// names, it is half the size, and it reads back in about half the time
/// (the standard preset thaws 162 templates on every run).
#[cfg_attr(not(test), allow(dead_code, reason = "build.rs encodes"))]
pub fn encode(frozen: &Frozen) -> Result<Vec<u8>, String> {
    postcard::to_allocvec(frozen).map_err(|e| e.to_string())
}

/// Reads `encode`'s bytes back.
pub fn decode(bytes: &[u8]) -> Result<Frozen, String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

/// FNV-1a over a text: the key a frozen template is found by. Stable
/// across builds and platforms, unlike the standard library's hasher.
pub fn key(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A compiled template as data. Fails on a part of handlebars' structure
/// this mirror does not know (a newer handlebars): the build stops there.
pub fn freeze(template: &Template) -> Result<Frozen, String> {
    Ok(Frozen {
        name: template.name.clone(),
        elements: template
            .elements
            .iter()
            .map(freeze_element)
            .collect::<Result<_, _>>()?,
    })
}

fn freeze_element(element: &TemplateElement) -> Result<Element, String> {
    Ok(match element {
        TemplateElement::RawString(text) => Element::Raw(text.clone()),
        TemplateElement::HtmlExpression(h) => Element::Html(Box::new(freeze_helper(h)?)),
        TemplateElement::Expression(h) => Element::Expression(Box::new(freeze_helper(h)?)),
        TemplateElement::HelperBlock(h) => Element::Block(Box::new(freeze_helper(h)?)),
        TemplateElement::DecoratorExpression(d) => {
            Element::DecoratorExpression(Box::new(freeze_decorator(d)?))
        }
        TemplateElement::DecoratorBlock(d) => {
            Element::DecoratorBlock(Box::new(freeze_decorator(d)?))
        }
        TemplateElement::PartialExpression(d) => Element::Partial(Box::new(freeze_decorator(d)?)),
        TemplateElement::PartialBlock(d) => Element::PartialBlock(Box::new(freeze_decorator(d)?)),
        TemplateElement::Comment(text) => Element::Comment(text.clone()),
        other => return Err(format!("an element this lzgen cannot freeze: {other:?}")),
    })
}

/// `indent_before_write` is the one field handlebars keeps to itself; it is
/// the last field its `Debug` prints, so it is read from there (and the
/// equality test checks it was read right).
fn indent_before_write(debug: &str) -> Result<bool, String> {
    if debug.ends_with("indent_before_write: true }") {
        Ok(true)
    } else if debug.ends_with("indent_before_write: false }") {
        Ok(false)
    } else {
        Err("handlebars' Debug no longer ends with `indent_before_write`".into())
    }
}

fn freeze_hash(hash: &HashMap<String, Parameter>) -> Result<Vec<(String, Param)>, String> {
    let mut pairs = hash
        .iter()
        .map(|(k, v)| Ok((k.clone(), freeze_param(v)?)))
        .collect::<Result<Vec<_>, String>>()?;
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(pairs)
}

fn freeze_helper(h: &HelperTemplate) -> Result<Helper, String> {
    Ok(Helper {
        name: freeze_param(&h.name)?,
        params: h
            .params
            .iter()
            .map(freeze_param)
            .collect::<Result<_, _>>()?,
        hash: freeze_hash(&h.hash)?,
        block_param: match &h.block_param {
            None => None,
            Some(BlockParam::Single(p)) => Some(BlockParams::Single(freeze_param(p)?)),
            Some(BlockParam::Pair((a, b))) => {
                Some(BlockParams::Pair(freeze_param(a)?, freeze_param(b)?))
            }
            Some(other) => {
                return Err(format!(
                    "a block parameter this lzgen cannot freeze: {other:?}"
                ));
            }
        },
        template: h.template.as_ref().map(freeze).transpose()?,
        inverse: h.inverse.as_ref().map(freeze).transpose()?,
        block: h.block,
        chain: h.chain,
        indent_before_write: indent_before_write(&format!("{h:?}"))?,
    })
}

fn freeze_decorator(d: &DecoratorTemplate) -> Result<Decorator, String> {
    Ok(Decorator {
        name: freeze_param(&d.name)?,
        params: d
            .params
            .iter()
            .map(freeze_param)
            .collect::<Result<_, _>>()?,
        hash: freeze_hash(&d.hash)?,
        template: d.template.as_ref().map(freeze).transpose()?,
        indent: d.indent.clone(),
        indent_before_write: indent_before_write(&format!("{d:?}"))?,
    })
}

fn freeze_param(p: &Parameter) -> Result<Param, String> {
    Ok(match p {
        Parameter::Name(name) => Param::Name(name.clone()),
        Parameter::Path(Path::Local((level, name, raw))) => {
            Param::Path(JsonPath::Local(*level, name.clone(), raw.clone()))
        }
        Parameter::Path(Path::Relative((segs, raw))) => {
            let named: Option<Vec<String>> = segs
                .iter()
                .map(|seg| match seg {
                    PathSeg::Named(name) => Some(name.clone()),
                    _ => None,
                })
                .collect();
            Param::Path(match named {
                Some(names) => JsonPath::Named(names, raw.clone()),
                None => JsonPath::Parsed(raw.clone()),
            })
        }
        Parameter::Literal(value) => Param::Literal(value.to_string()),
        Parameter::Subexpression(sub) => {
            Param::Subexpression(Box::new(freeze_element(sub.as_element())?))
        }
        other => return Err(format!("a parameter this lzgen cannot freeze: {other:?}")),
    })
}

/// Rebuilds frozen templates. Paths handlebars must parse are parsed once
/// per text.
#[derive(Debug, Default)]
pub struct Thaw {
    paths: HashMap<String, Path>,
}

impl Thaw {
    /// The template again, as handlebars compiled it (without line
    /// mapping). handlebars' builders clone what they are given, so each
    /// is given only small fields and the nested templates are moved into
    /// the built value's public fields after.
    pub fn template(&mut self, frozen: Frozen) -> Result<Template, String> {
        let mut template = TemplateBuilder::default()
            .elements(Vec::new())
            .mapping(Vec::new())
            .build()
            .map_err(|e| e.to_string())?;
        template.name = frozen.name;
        template.elements = frozen
            .elements
            .into_iter()
            .map(|e| self.element(e))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(template)
    }

    fn element(&mut self, element: Element) -> Result<TemplateElement, String> {
        Ok(match element {
            Element::Raw(text) => TemplateElement::RawString(text),
            Element::Html(h) => TemplateElement::HtmlExpression(Box::new(self.helper(*h)?)),
            Element::Expression(h) => TemplateElement::Expression(Box::new(self.helper(*h)?)),
            Element::Block(h) => TemplateElement::HelperBlock(Box::new(self.helper(*h)?)),
            Element::DecoratorExpression(d) => {
                TemplateElement::DecoratorExpression(Box::new(self.decorator(*d)?))
            }
            Element::DecoratorBlock(d) => {
                TemplateElement::DecoratorBlock(Box::new(self.decorator(*d)?))
            }
            Element::Partial(d) => {
                TemplateElement::PartialExpression(Box::new(self.decorator(*d)?))
            }
            Element::PartialBlock(d) => {
                TemplateElement::PartialBlock(Box::new(self.decorator(*d)?))
            }
            Element::Comment(text) => TemplateElement::Comment(text),
        })
    }

    fn hash(&mut self, hash: Vec<(String, Param)>) -> Result<HashMap<String, Parameter>, String> {
        hash.into_iter()
            .map(|(k, v)| Ok((k, self.param(v)?)))
            .collect()
    }

    fn params(&mut self, params: Vec<Param>) -> Result<Vec<Parameter>, String> {
        params.into_iter().map(|p| self.param(p)).collect()
    }

    fn helper(&mut self, h: Helper) -> Result<HelperTemplate, String> {
        let mut built = HelperTemplateBuilder::default()
            .name(Parameter::Name(String::new()))
            .params(Vec::new())
            .hash(HashMap::new())
            .block(h.block)
            .chain(h.chain)
            .indent_before_write(h.indent_before_write)
            .build()
            .map_err(|e| e.to_string())?;
        built.name = self.param(h.name)?;
        built.params = self.params(h.params)?;
        built.hash = self.hash(h.hash)?;
        built.block_param = match h.block_param {
            None => None,
            Some(BlockParams::Single(p)) => Some(BlockParam::Single(self.param(p)?)),
            Some(BlockParams::Pair(a, b)) => {
                Some(BlockParam::Pair((self.param(a)?, self.param(b)?)))
            }
        };
        built.template = h.template.map(|t| self.template(t)).transpose()?;
        built.inverse = h.inverse.map(|t| self.template(t)).transpose()?;
        Ok(built)
    }

    fn decorator(&mut self, d: Decorator) -> Result<DecoratorTemplate, String> {
        let mut built = DecoratorTemplateBuilder::default()
            .name(Parameter::Name(String::new()))
            .params(Vec::new())
            .hash(HashMap::new())
            .indent_before_write(d.indent_before_write)
            .build()
            .map_err(|e| e.to_string())?;
        built.name = self.param(d.name)?;
        built.params = self.params(d.params)?;
        built.hash = self.hash(d.hash)?;
        built.template = d.template.map(|t| self.template(t)).transpose()?;
        built.indent = d.indent;
        Ok(built)
    }

    fn param(&mut self, p: Param) -> Result<Parameter, String> {
        Ok(match p {
            Param::Name(name) => Parameter::Name(name),
            Param::Path(JsonPath::Named(names, raw)) => Parameter::Path(Path::Relative((
                names.into_iter().map(PathSeg::Named).collect(),
                raw,
            ))),
            Param::Path(JsonPath::Local(level, name, raw)) => {
                Parameter::Path(Path::Local((level, name, raw)))
            }
            Param::Path(JsonPath::Parsed(raw)) => {
                if let Some(path) = self.paths.get(&raw) {
                    Parameter::Path(path.clone())
                } else {
                    let path = Path::parse(&raw).map_err(|e| format!("path `{raw}`: {e}"))?;
                    self.paths.insert(raw, path.clone());
                    Parameter::Path(path)
                }
            }
            Param::Literal(json) => Parameter::Literal(
                serde_json::from_str(&json).map_err(|e| format!("literal `{json}`: {e}"))?,
            ),
            Param::Subexpression(element) => {
                let mut sub = SubexpressionBuilder::default()
                    .element(Box::new(TemplateElement::Comment(String::new())))
                    .build()
                    .map_err(|e| e.to_string())?;
                sub.element = Box::new(self.element(*element)?);
                Parameter::Subexpression(sub)
            }
        })
    }
}
