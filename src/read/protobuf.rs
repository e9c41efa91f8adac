//! Just enough of the protobuf wire format to read what Anki keeps in it
//! (`meta`, the v3 media map, note type / field / template configs): a
//! message is a list of (field number, value); nested messages and strings
//! are length-delimited bytes. Unknown fields are skipped, as protobuf
//! readers do. About ten field numbers are read in all (see `anki_package`).

/// One field of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// A varint (ints, bools, enums).
    Varint(u64),
    /// Length-delimited bytes (strings, nested messages, packed lists).
    Bytes(&'a [u8]),
    /// A fixed 32- or 64-bit value (unused by Anki's messages read here).
    Fixed(u64),
}

/// Why bytes are not a protobuf message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

fn varint(bytes: &[u8], pos: &mut usize) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes
            .get(*pos)
            .ok_or_else(|| DecodeError("a number runs past the end".into()))?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeError("a number longer than 10 bytes".into()))
}

/// The fields of a message, in order.
pub fn fields(bytes: &[u8]) -> Result<Vec<(u32, Value<'_>)>, DecodeError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let key = varint(bytes, &mut pos)?;
        let number = u32::try_from(key >> 3)
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| DecodeError(format!("field number {} is not valid", key >> 3)))?;
        let value = match key & 7 {
            0 => Value::Varint(varint(bytes, &mut pos)?),
            1 | 5 => {
                let len = if key & 7 == 1 { 8 } else { 4 };
                let raw = bytes
                    .get(pos..pos + len)
                    .ok_or_else(|| DecodeError("a fixed value runs past the end".into()))?;
                pos += len;
                let mut buf = [0u8; 8];
                buf[..len].copy_from_slice(raw);
                Value::Fixed(u64::from_le_bytes(buf))
            }
            2 => {
                let len = usize::try_from(varint(bytes, &mut pos)?)
                    .map_err(|_| DecodeError("a length does not fit".into()))?;
                let end = pos
                    .checked_add(len)
                    .filter(|end| *end <= bytes.len())
                    .ok_or_else(|| DecodeError("a length runs past the end".into()))?;
                let value = Value::Bytes(&bytes[pos..end]);
                pos = end;
                value
            }
            kind => return Err(DecodeError(format!("wire type {kind} is not used by Anki"))),
        };
        out.push((number, value));
    }
    Ok(out)
}

/// The last varint of field `number` (proto3: the last one wins), or 0.
pub fn varint_field(fields: &[(u32, Value<'_>)], number: u32) -> u64 {
    fields
        .iter()
        .rev()
        .find_map(|(n, v)| match v {
            Value::Varint(x) if *n == number => Some(*x),
            _ => None,
        })
        .unwrap_or(0)
}

/// The last varint of field `number`, or `None` when absent (proto3
/// `optional` fields, such as the ids Anki keeps for fields and templates).
pub fn optional_varint(fields: &[(u32, Value<'_>)], number: u32) -> Option<u64> {
    fields.iter().rev().find_map(|(n, v)| match v {
        Value::Varint(x) if *n == number => Some(*x),
        _ => None,
    })
}

/// The last length-delimited value of field `number`, if any.
pub fn bytes_field<'a>(fields: &[(u32, Value<'a>)], number: u32) -> Option<&'a [u8]> {
    fields.iter().rev().find_map(|(n, v)| match v {
        Value::Bytes(b) if *n == number => Some(*b),
        _ => None,
    })
}

/// Field `number` as UTF-8 text ("" when absent).
pub fn string_field(fields: &[(u32, Value<'_>)], number: u32) -> Result<String, DecodeError> {
    match bytes_field(fields, number) {
        None => Ok(String::new()),
        Some(b) => String::from_utf8(b.to_vec())
            .map_err(|_| DecodeError(format!("field {number} is not UTF-8 text"))),
    }
}

/// Every length-delimited value of field `number` (a repeated message).
pub fn repeated<'a>(fields: &[(u32, Value<'a>)], number: u32) -> Vec<&'a [u8]> {
    fields
        .iter()
        .filter_map(|(n, v)| match v {
            Value::Bytes(b) if *n == number => Some(*b),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_anki_shaped_messages() {
        // PackageMetadata { version: 3 }
        assert_eq!(varint_field(&fields(&[0x08, 0x03]).unwrap(), 1), 3);
        // MediaEntry { name: "a.png", size: 300 }
        let entry = [0x0a, 5, b'a', b'.', b'p', b'n', b'g', 0x10, 0xac, 0x02];
        let f = fields(&entry).unwrap();
        assert_eq!(string_field(&f, 1).unwrap(), "a.png");
        assert_eq!(varint_field(&f, 2), 300);
        // Truncated and nonsense input is an error, never a panic.
        assert!(fields(&[0x0a, 9, b'x']).is_err());
        assert!(fields(&[0x0f]).is_err());
        assert!(fields(&[0x80; 12]).is_err());
    }
}
