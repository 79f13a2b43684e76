//! Decrypting private keys: encrypted PKCS#8 (PBES2, and the PKCS#12 PBE that
//! `openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES` writes) and the traditional OpenSSL
//! `Proc-Type: 4,ENCRYPTED` / `DEK-Info` PEM form.
//!
//! A wrong passphrase must be an error, never a garbage key: CBC padding catches
//! most wrong passphrases, and the plaintext must then parse as the expected key.

use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
use md5::Digest as _;

use super::der::{self, oids, Reader};
use crate::error::{Error, Result};
use crate::pem::Block;

/// Work limits, so hostile key files cannot hang or exhaust a process. OpenSSL
/// writes 2048 PBKDF2 iterations and scrypt N=16384, r=8, p=1 (16 MiB); OpenSSL
/// itself refuses scrypt above 32 MiB by default.
const MAX_ITERATIONS: u64 = 1_000_000;
const MAX_SCRYPT_MEMORY: u64 = 32 * 1024 * 1024;
const MAX_SCRYPT_PARALLELISM: u16 = 16;

/// Whether `der` has the shape of an `EncryptedPrivateKeyInfo`:
/// `SEQUENCE { SEQUENCE { OID, ... }, OCTET STRING }`.
pub(crate) fn looks_encrypted_pkcs8(der: &[u8]) -> bool {
    encrypted_parts(der).is_some()
}

fn encrypted_parts(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let seq = der::single(der, der::SEQUENCE)?;
    let mut r = Reader::new(seq.value);
    let alg = r.read(der::SEQUENCE)?;
    let data = r.read(der::OCTET_STRING)?;
    if !r.is_empty() {
        return None;
    }
    let mut ar = Reader::new(alg.value);
    let oid = ar.read(der::OID)?;
    Some((oid.value, ar.rest(), data.value))
}

/// Decrypts an `ENCRYPTED PRIVATE KEY` to its PKCS#8 `PrivateKeyInfo`.
pub(crate) fn decrypt_pkcs8(der: &[u8], pass: &str) -> Result<Vec<u8>> {
    let (oid, params, ciphertext) = encrypted_parts(der).ok_or(Error::KeyUnsupported {
        reason: "bad EncryptedPrivateKeyInfo",
    })?;
    let plain = if oid == oids::PBE_SHA1_3DES {
        decrypt_pkcs12_pbe(params, ciphertext, pass)?
    } else {
        decrypt_pkcs5(der, pass)?
    };
    match super::parse_pkcs8(&plain) {
        Ok(_) => Ok(plain),
        Err(e @ Error::UnknownCertificateType { .. }) => Err(e),
        // Valid padding by chance, garbage inside: still a wrong passphrase.
        Err(_) => Err(Error::BadDecrypt),
    }
}

fn unsupported_encryption(what: impl Into<String>) -> Error {
    Error::UnsupportedKeyEncryption { what: what.into() }
}

/// PBES2 (and PKCS#5 PBES1) through the `pkcs8`/`pkcs5` crates, after checking
/// the KDF cost.
fn decrypt_pkcs5(der: &[u8], pass: &str) -> Result<Vec<u8>> {
    use pkcs8::pkcs5::{pbes2::Kdf, EncryptionScheme};
    let info = pkcs8::EncryptedPrivateKeyInfo::try_from(der)
        .map_err(|e| unsupported_encryption(format!("cipher or KDF not supported ({e})")))?;
    match &info.encryption_algorithm {
        EncryptionScheme::Pbes2(params) => match &params.kdf {
            Kdf::Pbkdf2(p) => {
                if u64::from(p.iteration_count) > MAX_ITERATIONS {
                    return Err(unsupported_encryption(format!(
                        "PBKDF2 iteration count {} above {MAX_ITERATIONS}",
                        p.iteration_count
                    )));
                }
            }
            Kdf::Scrypt(p) => {
                let memory = 128u64
                    .checked_mul(p.cost_parameter)
                    .and_then(|m| m.checked_mul(u64::from(p.block_size)));
                if memory.is_none_or(|m| m > MAX_SCRYPT_MEMORY)
                    || p.parallelization > MAX_SCRYPT_PARALLELISM
                {
                    return Err(unsupported_encryption("scrypt parameters above our limits"));
                }
            }
            _ => return Err(unsupported_encryption("PBES2 key derivation function")),
        },
        EncryptionScheme::Pbes1(_) => {
            return Err(unsupported_encryption(
                "PKCS#5 PBES1 (MD5/SHA-1 with DES/RC2)",
            ));
        }
        _ => return Err(unsupported_encryption("encryption scheme")),
    }
    match info.decrypt(pass) {
        Ok(doc) => Ok(doc.as_bytes().to_vec()),
        Err(
            e @ pkcs8::Error::EncryptedPrivateKey(
                pkcs8::pkcs5::Error::UnsupportedAlgorithm { .. }
                | pkcs8::pkcs5::Error::AlgorithmParametersInvalid { .. },
            ),
        ) => Err(unsupported_encryption(format!("{e}"))),
        // Bad padding, or a plaintext that is not a PKCS#8 key: wrong passphrase.
        Err(_) => Err(Error::BadDecrypt),
    }
}

/// `pbeWithSHAAnd3-KeyTripleDES-CBC` (RFC 7292 appendix C): PKCS#12 KDF with
/// SHA-1 over the BMPString passphrase, then DES-EDE3-CBC.
fn decrypt_pkcs12_pbe(params: &[u8], ciphertext: &[u8], pass: &str) -> Result<Vec<u8>> {
    let bad = || Error::KeyUnsupported {
        reason: "bad PKCS#12 PBE parameters",
    };
    let seq = der::single(params, der::SEQUENCE).ok_or_else(bad)?;
    let mut r = Reader::new(seq.value);
    let salt = r.read(der::OCTET_STRING).ok_or_else(bad)?.value;
    let iter = r.read(der::INTEGER).ok_or_else(bad)?.value;
    // A negative count (high bit set) or one of more than four octets is hostile.
    if iter.first().is_none_or(|&b| b & 0x80 != 0) || der::unsigned(iter).len() > 4 {
        return Err(unsupported_encryption("PBE iteration count out of range"));
    }
    let iterations = der::unsigned(iter)
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    if iterations == 0 || iterations > MAX_ITERATIONS {
        return Err(unsupported_encryption(format!(
            "PBE iteration count {iterations} outside 1..={MAX_ITERATIONS}"
        )));
    }
    // Checked just above: 1..=1_000_000 fits an i32.
    let rounds = i32::try_from(iterations).map_err(|_| bad())?;
    // The PKCS#12 KDF takes the passphrase as big-endian UTF-16 with a two-octet
    // terminator. Encoded here rather than with `derive_key_utf8`, whose BMPString
    // refuses characters outside the BMP, which OpenSSL (and so Node) accept as
    // surrogate pairs.
    let mut password: Vec<u8> = pass.encode_utf16().flat_map(u16::to_be_bytes).collect();
    password.extend([0, 0]);
    let derive = |id, len| pkcs12::kdf::derive_key::<sha1::Sha1>(&password, salt, id, rounds, len);
    let key = derive(pkcs12::kdf::Pkcs12KeyType::EncryptionKey, 24);
    let iv = derive(pkcs12::kdf::Pkcs12KeyType::Iv, 8);
    cbc_decrypt::<des::TdesEde3>(&key, &iv, ciphertext)
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>>
where
    cbc::Decryptor<C>: KeyIvInit + BlockModeDecrypt,
    C: cbc::cipher::BlockCipherDecrypt,
{
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv).map_err(|_| Error::KeyUnsupported {
        reason: "bad key or IV length",
    })?;
    dec.decrypt_padded_vec::<Pkcs7>(data)
        .map_err(|_| Error::BadDecrypt)
}

/// Decrypts a traditional encrypted PEM key (`Proc-Type: 4,ENCRYPTED`, `DEK-Info:
/// CIPHER,IV`), keyed with OpenSSL's `EVP_BytesToKey(MD5, salt = IV[..8], count 1)`.
/// `valid` says whether the plaintext parses as the block's key type.
pub(crate) fn decrypt_traditional(
    block: &Block,
    pass: &str,
    valid: impl Fn(&[u8]) -> bool,
) -> Result<Vec<u8>> {
    let bad = |reason| Error::KeyUnsupported { reason };
    if block.header("Proc-Type") != Some("4,ENCRYPTED") {
        return Err(bad("unknown Proc-Type"));
    }
    let dek = block
        .header("DEK-Info")
        .ok_or_else(|| bad("missing DEK-Info"))?;
    let (cipher, iv_hex) = dek.split_once(',').ok_or_else(|| bad("bad DEK-Info"))?;
    let iv = hex(iv_hex.trim()).ok_or_else(|| bad("bad DEK-Info IV"))?;
    let (key_len, iv_len) = match cipher {
        "AES-128-CBC" => (16, 16),
        "AES-192-CBC" => (24, 16),
        "AES-256-CBC" => (32, 16),
        "DES-EDE3-CBC" => (24, 8),
        other => return Err(unsupported_encryption(format!("DEK-Info cipher {other}"))),
    };
    if iv.len() != iv_len {
        return Err(bad("bad DEK-Info IV length"));
    }
    let key = bytes_to_key(pass.as_bytes(), &iv[..8], key_len);
    let plain = match cipher {
        "AES-128-CBC" => cbc_decrypt::<aes::Aes128>(&key, &iv, &block.der)?,
        "AES-192-CBC" => cbc_decrypt::<aes::Aes192>(&key, &iv, &block.der)?,
        "AES-256-CBC" => cbc_decrypt::<aes::Aes256>(&key, &iv, &block.der)?,
        _ => cbc_decrypt::<des::TdesEde3>(&key, &iv, &block.der)?,
    };
    if valid(&plain) {
        Ok(plain)
    } else {
        Err(Error::BadDecrypt)
    }
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration.
fn bytes_to_key(pass: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 16);
    let mut prev: Vec<u8> = Vec::new();
    while out.len() < len {
        let mut h = md5::Md5::new();
        h.update(&prev);
        h.update(pass);
        h.update(salt);
        prev = h.finalize().to_vec();
        out.extend_from_slice(&prev);
    }
    out.truncate(len);
    out
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_to_key_matches_openssl() {
        // `openssl enc -aes-128-cbc -pass pass:secret -S 0001020304050607 -md md5 -P`
        // prints key=035FB8145B73CF111570DC936112BE9C iv=375A5D3D8B915BC213BDBEF9DBFB7851
        // (the IV is the second MD5 round, i.e. bytes 16..32 of the stream).
        let stream = bytes_to_key(b"secret", &[0, 1, 2, 3, 4, 5, 6, 7], 32);
        assert_eq!(
            hex("035FB8145B73CF111570DC936112BE9C").unwrap(),
            stream[..16]
        );
        assert_eq!(
            hex("375A5D3D8B915BC213BDBEF9DBFB7851").unwrap(),
            stream[16..]
        );
    }

    #[test]
    fn hex_parses_only_hex() {
        assert_eq!(hex("0aFF"), Some(vec![10, 255]));
        assert_eq!(hex("0"), None);
        assert_eq!(hex("zz"), None);
    }
}
