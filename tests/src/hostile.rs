//! Hostile inputs a signed party could still produce: decompression bombs (built by hand, so
//! no test spends time compressing gigabytes) and releases signed with whatever sizes and hashes
//! a test needs.

use fieldref_core::pack::{Envelope, Role, SecretKey};

/// A zstd frame that decompresses to `decoded` bytes of spaces from a few bytes per 128 KiB
/// (RLE blocks): a decompression bomb, built by hand so a test needs no time to compress it.
pub fn zstd_bomb(decoded: u64) -> Vec<u8> {
    const BLOCK: u64 = 128 * 1024;
    let mut out = vec![0x28, 0xB5, 0x2F, 0xFD]; // magic number, little-endian
    out.push(0x00); // frame header: no content size, no checksum, no dictionary
    out.push(7 << 3); // window descriptor: 2^(10 + 7) = 128 KiB
    let mut left = decoded;
    while left > 0 {
        let size = left.min(BLOCK);
        left -= size;
        let last = u32::from(left == 0);
        let header = last | (1 << 1) | ((size as u32) << 3); // RLE block of `size` bytes
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.push(b' ');
    }
    out
}

/// A pack file (`pack::encode` layout) whose body is [`zstd_bomb`].
pub fn pack_bomb(decoded: u64) -> Vec<u8> {
    [b"FIELDREF-PACK-1\n".as_slice(), &zstd_bomb(decoded)].concat()
}

/// Signs a release of `snapshot` as the trainers would (with the given claimed sizes and hash).
pub fn sign_release(
    key: &SecretKey,
    channel: &str,
    version: u64,
    snapshot: &[u8],
    decoded_size: u64,
    state_sha256: &str,
) -> Envelope {
    let release = fieldref_core::pack::Release {
        channel: channel.to_owned(),
        version,
        previous: version - 1,
        created: chrono::Utc::now().to_rfc3339(),
        state_sha256: state_sha256.to_owned(),
        snapshot: fieldref_core::pack::BlobRef::of(snapshot),
        decoded_size,
        audience: fieldref_core::content::Audience::Public,
    };
    Envelope::sign(Role::Release, &release, &[key]).expect("sign release")
}
