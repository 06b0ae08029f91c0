//! Random and cryptographic functions. Helm's output for them differs on every run; here
//! they have the right shape (alphabet, length, PEM framing, UUID layout) and are
//! deterministic: every value comes from [`FuncCtx::rng_state`], so two renders agree.

use super::args::*;
use super::{CallError, FuncCtx};
use crate::render::json_out::base64_std;
use crate::render::value::{Kind, Object, Value};
use std::sync::Arc;

type R = Result<Value, CallError>;

/// splitmix64.
pub fn next(ctx: &mut FuncCtx) -> u64 {
    ctx.rng_state = ctx.rng_state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = ctx.rng_state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn bytes(ctx: &mut FuncCtx, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        out.extend_from_slice(&next(ctx).to_le_bytes());
    }
    out.truncate(n);
    out
}

fn rand_from(ctx: &mut FuncCtx, name: &str, a: &[Value], alphabet: &[u8]) -> R {
    arity(name, a, 1)?;
    let n = int(&a[0])?;
    if n <= 0 {
        return Ok(Value::str(""));
    }
    bounded(n as usize)?;
    let s: String = (0..n)
        .map(|_| alphabet[(next(ctx) % alphabet.len() as u64) as usize] as char)
        .collect();
    Ok(Value::str(s))
}

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

pub fn rand_alpha_num(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    rand_from(ctx, "randAlphaNum", &a, ALNUM)
}

pub fn rand_alpha(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    rand_from(ctx, "randAlpha", &a, &ALNUM[..52])
}

pub fn rand_numeric(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    rand_from(ctx, "randNumeric", &a, &ALNUM[52..])
}

pub fn rand_ascii(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    let printable: Vec<u8> = (32u8..=126).collect();
    rand_from(ctx, "randAscii", &a, &printable)
}

pub fn rand_bytes(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("randBytes", &a, 1)?;
    let n = int(&a[0])?;
    if n < 0 {
        return Err(failed("runtime error: makeslice: len out of range"));
    }
    bounded(n as usize)?;
    Ok(Value::str(base64_std(&bytes(ctx, n as usize))))
}

pub fn rand_int(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("randInt", &a, 2)?;
    let min = int(&a[0])?;
    let max = int(&a[1])?;
    let span = max.wrapping_sub(min);
    if span <= 0 {
        return Err(failed("invalid argument to Intn"));
    }
    Ok(Value::int(min + (next(ctx) % span as u64) as i64))
}

pub fn uuidv4(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("uuidv4", &a, 0)?;
    let mut b = bytes(ctx, 16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = super::digest::hex(&b);
    Ok(Value::str(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )))
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64_std(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn private_key(ctx: &mut FuncCtx, typ: &str) -> Option<String> {
    Some(match typ {
        "rsa" => pem("RSA PRIVATE KEY", &bytes(ctx, 1190)),
        "dsa" => pem("DSA PRIVATE KEY", &bytes(ctx, 445)),
        "ecdsa" => pem("EC PRIVATE KEY", &bytes(ctx, 121)),
        "ed25519" => pem("PRIVATE KEY", &bytes(ctx, 48)),
        _ => return None,
    })
}

pub fn gen_private_key(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("genPrivateKey", &a, 1)?;
    let typ = string(&a[0])?;
    Ok(Value::str(
        private_key(ctx, &typ).unwrap_or_else(|| "Unknown type ".to_string() + &typ),
    ))
}

/// Sprig's `certificate`: a PEM certificate and its PEM key.
#[derive(Debug)]
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(self.cert.clone())),
            "Key" => Some(Value::str(self.key.clone())),
            _ => None,
        }
    }

    fn print(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }
}

fn certificate(ctx: &mut FuncCtx, key: Option<String>) -> Value {
    let cert = pem("CERTIFICATE", &bytes(ctx, 800));
    let key = key.unwrap_or_else(|| pem("RSA PRIVATE KEY", &bytes(ctx, 1190)));
    Value::new(Kind::Object(Arc::new(Certificate { cert, key })))
}

fn cert_arg(v: &Value) -> Result<(), CallError> {
    match &v.kind {
        Kind::Object(o) if o.type_name() == "sprig.certificate" => Ok(()),
        _ => Err(type_error("sprig.certificate", v)),
    }
}

fn list_arg(v: &Value) -> Result<(), CallError> {
    match &v.kind {
        Kind::List(l) if l.elem == crate::render::value::Elem::Any => Ok(()),
        // A `nil` literal is a nil slice; the executor cannot tell it from a nil value.
        Kind::Invalid | Kind::Nil => Ok(()),
        _ => Err(type_error("[]interface {}", v)),
    }
}

fn key_arg(v: &Value) -> Result<String, CallError> {
    let k = string(v)?;
    if !k.contains("-----BEGIN") {
        return Err(failed("error decoding PEM: no PEM data found"));
    }
    Ok(k.to_string())
}

pub fn gen_ca(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("genCA", &a, 2)?;
    string(&a[0])?;
    int(&a[1])?;
    Ok(certificate(ctx, None))
}

pub fn gen_ca_with_key(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("genCAWithKey", &a, 3)?;
    string(&a[0])?;
    int(&a[1])?;
    let key = key_arg(&a[2])?;
    Ok(certificate(ctx, Some(key)))
}

pub fn gen_self_signed_cert(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("genSelfSignedCert", &a, 4)?;
    string(&a[0])?;
    list_arg(&a[1])?;
    list_arg(&a[2])?;
    int(&a[3])?;
    Ok(certificate(ctx, None))
}

pub fn gen_self_signed_cert_with_key(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("genSelfSignedCertWithKey", &a, 5)?;
    string(&a[0])?;
    list_arg(&a[1])?;
    list_arg(&a[2])?;
    int(&a[3])?;
    let key = key_arg(&a[4])?;
    Ok(certificate(ctx, Some(key)))
}

pub fn gen_signed_cert(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("genSignedCert", &a, 5)?;
    string(&a[0])?;
    list_arg(&a[1])?;
    list_arg(&a[2])?;
    int(&a[3])?;
    cert_arg(&a[4])?;
    Ok(certificate(ctx, None))
}

pub fn gen_signed_cert_with_key(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("genSignedCertWithKey", &a, 6)?;
    string(&a[0])?;
    list_arg(&a[1])?;
    list_arg(&a[2])?;
    int(&a[3])?;
    cert_arg(&a[4])?;
    let key = key_arg(&a[5])?;
    Ok(certificate(ctx, Some(key)))
}

pub fn build_custom_cert(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("buildCustomCert", &a, 2)?;
    let cert = string(&a[0])?;
    let key = string(&a[1])?;
    let dec = |s: &str, what: &str| -> Result<String, CallError> {
        let b = super::encoding::base64_decode(s)
            .map_err(|_| failed(format!("unable to decode base64 {what}")))?;
        let text = String::from_utf8_lossy(&b).into_owned();
        if !text.contains("-----BEGIN") {
            return Err(failed(format!("error decoding {what}")));
        }
        Ok(text)
    };
    let cert = dec(&cert, "certificate")?;
    let key = dec(&key, "private key")?;
    Ok(Value::new(Kind::Object(Arc::new(Certificate {
        cert,
        key,
    }))))
}

const BCRYPT_ALPHABET: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn bcrypt_hash(ctx: &mut FuncCtx) -> String {
    let tail: String = (0..53)
        .map(|_| BCRYPT_ALPHABET[(next(ctx) % 64) as usize] as char)
        .collect();
    format!("$2a$10${tail}")
}

pub fn bcrypt(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("bcrypt", &a, 1)?;
    string(&a[0])?;
    Ok(Value::str(bcrypt_hash(ctx)))
}

pub fn htpasswd(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("htpasswd", &a, 2)?;
    let user = string(&a[0])?;
    string(&a[1])?;
    if user.contains(':') {
        return Ok(Value::str(format!("invalid username: {user}")));
    }
    Ok(Value::str(format!("{user}:{}", bcrypt_hash(ctx))))
}

pub fn derive_password(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("derivePassword", &a, 5)?;
    let counter = match a[0].kind {
        Kind::Int(i) if (0..=u32::MAX as i64).contains(&i) => i,
        _ => return Err(type_error("uint32", &a[0])),
    };
    let typ = string(&a[1])?;
    let pass = string(&a[2])?;
    let user = string(&a[3])?;
    let site = string(&a[4])?;
    let templates: &[&str] = match &*typ {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &["CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno"],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return Err(failed(format!("cannot find password template {typ}"))),
    };
    // Deterministic from the inputs (the Master Password scrypt key is not reproduced).
    let seed = super::digest::sha256(format!("{counter}\0{pass}\0{user}\0{site}").as_bytes());
    let t = templates[seed[0] as usize % templates.len()];
    let class = |c: char| -> &'static str {
        match c {
            'V' => "AEIOU",
            'C' => "BCDFGHJKLMNPQRSTVWXYZ",
            'v' => "aeiou",
            'c' => "bcdfghjklmnpqrstvwxyz",
            'A' => "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
            'a' => "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
            'n' => "0123456789",
            'o' => "@&%?,=[]_:-+*$#!'^~;()/.",
            _ => "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        }
    };
    let out: String = t
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let chars = class(c).as_bytes();
            chars[seed[(i + 1) % 32] as usize % chars.len()] as char
        })
        .collect();
    Ok(Value::str(out))
}

fn keystream(password: &str, iv: &[u8], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut block = 0u64;
    while out.len() < n {
        let mut input = password.as_bytes().to_vec();
        input.extend_from_slice(iv);
        input.extend_from_slice(&block.to_le_bytes());
        out.extend_from_slice(&super::digest::sha256(&input));
        block += 1;
    }
    out.truncate(n);
    out
}

pub fn encrypt_aes(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("encryptAES", &a, 2)?;
    let password = string(&a[0])?;
    let text = string(&a[1])?;
    bounded(text.len())?;
    // PKCS#7 padding to the AES block size, a 16-byte IV, then the body.
    let mut body = text.as_bytes().to_vec();
    let pad = 16 - body.len() % 16;
    body.extend(std::iter::repeat_n(pad as u8, pad));
    let iv = bytes(ctx, 16);
    let ks = keystream(&password, &iv, body.len());
    let mut out = iv.clone();
    out.extend(body.iter().zip(ks).map(|(x, k)| x ^ k));
    Ok(Value::str(base64_std(&out)))
}

pub fn decrypt_aes(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("decryptAES", &a, 2)?;
    let password = string(&a[0])?;
    let data = string(&a[1])?;
    let raw = super::encoding::base64_decode(&data).map_err(failed)?;
    if raw.len() < 16 || raw.len() % 16 != 0 {
        return Err(failed("crypto/cipher: input not full blocks"));
    }
    let (iv, body) = raw.split_at(16);
    let ks = keystream(&password, iv, body.len());
    let mut plain: Vec<u8> = body.iter().zip(ks).map(|(x, k)| x ^ k).collect();
    if let Some(&p) = plain.last()
        && (1..=16).contains(&p)
        && (p as usize) <= plain.len()
    {
        plain.truncate(plain.len() - p as usize);
    }
    Ok(Value::str(String::from_utf8_lossy(&plain).into_owned()))
}
