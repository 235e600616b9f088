//! A `multipart/form-data` body split into named parts (RFC 7578): enough for the Metadata
//! deploy request, which sends a `json` part and a `file` part (Metadata API guide,
//! `meta_rest_deploy`). Hand-written because the emulator's HTTP stack has no multipart parser
//! and this one form needs no streaming.

/// One part: its `name` and raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The boundary of a `multipart/form-data; boundary=…` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn part_name(headers: &str) -> Option<String> {
    headers.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        if !k.trim().eq_ignore_ascii_case("content-disposition") {
            return None;
        }
        v.split(';').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim() == "name").then(|| v.trim().trim_matches('"').to_owned())
        })
    })
}

/// Split `body` into parts; `None` when it is not multipart with this boundary.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delim = format!("--{boundary}").into_bytes();
    let mut pos = find(body, &delim, 0)? + delim.len();
    let mut parts = Vec::new();
    loop {
        if body.get(pos..pos + 2) == Some(b"--") {
            return Some(parts);
        }
        let head_start = find(body, b"\r\n", pos)? + 2;
        let head_end = find(body, b"\r\n\r\n", head_start)?;
        let headers = String::from_utf8_lossy(&body[head_start..head_end]).into_owned();
        let content_start = head_end + 4;
        let next = find(body, &delim, content_start)?;
        let content_end = next.saturating_sub(2).max(content_start);
        parts.push(Part {
            name: part_name(&headers).unwrap_or_default(),
            bytes: body[content_start..content_end].to_vec(),
        });
        pos = next + delim.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_split_by_boundary_with_binary_content() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"json\"\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.zip\"\r\n\r\nPK\x03\x04\r\n\x00\r\n--XyZ--\r\n";
        let b = boundary("multipart/form-data; boundary=\"XyZ\"").unwrap();
        let parts = parse(body, &b).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "json");
        assert_eq!(parts[0].bytes, b"{\"a\":1}");
        assert_eq!(parts[1].name, "file");
        assert_eq!(parts[1].bytes, b"PK\x03\x04\r\n\x00");
        assert!(boundary("application/json").is_none());
        assert!(parse(b"garbage", "XyZ").is_none());
    }
}
