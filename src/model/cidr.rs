//! IPv4 blocks for workload VPCs: parsing, overlap, and the stable allocation
//! of blocks from 10.0.0.0/8 for accounts that give none.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Block {
    pub base: u32,
    pub prefix: u8,
}

impl Block {
    pub fn size(self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    fn end(self) -> u64 {
        u64::from(self.base) + self.size()
    }

    pub fn overlaps(self, other: Block) -> bool {
        u64::from(self.base) < other.end() && u64::from(other.base) < self.end()
    }

    /// Splits the block into `2^bits` equal parts, in address order.
    pub fn split(self, bits: u8) -> Vec<Block> {
        let prefix = self.prefix + bits;
        let step = 1u64 << (32 - u32::from(prefix));
        (0..(1u64 << bits))
            .map(|i| Block {
                base: (u64::from(self.base) + i * step) as u32,
                prefix,
            })
            .collect()
    }
}

/// Address ranges no VPC can use: traffic to them never leaves the host or
/// the link, or they are not unicast at all (RFC 6890's special-purpose
/// registry). The VPC guide allows any other block, recommending RFC 1918's
/// private ranges: <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>.
/// 169.254.0.0/16 also holds the instance metadata service and the Amazon
/// DNS resolver's link-local address, which a VPC of that range would shadow.
const UNUSABLE: &[([u8; 4], u8, &str)] = &[
    (
        [0, 0, 0, 0],
        8,
        "\"this network\", not an address a host can have",
    ),
    ([127, 0, 0, 0], 8, "loopback: traffic never leaves the host"),
    (
        [169, 254, 0, 0],
        16,
        "link-local: the instance metadata service and Amazon DNS live here",
    ),
    ([224, 0, 0, 0], 4, "multicast, not unicast addresses"),
    (
        [240, 0, 0, 0],
        4,
        "reserved for future use, and the broadcast address",
    ),
];

/// The unusable range `block` overlaps, and why it is unusable.
pub fn unusable(block: Block) -> Option<(Block, &'static str)> {
    UNUSABLE.iter().find_map(|(base, prefix, why)| {
        let range = Block {
            base: u32::from_be_bytes(*base),
            prefix: *prefix,
        };
        range.overlaps(block).then_some((range, *why))
    })
}

/// Blocks that overlap none of each other, kept in address order, so that
/// "does this block overlap any of them" takes a look at two neighbours
/// (O(log n)) instead of every block: thousands of accounts with their own
/// CIDRs are checked in O(n log n).
#[derive(Debug, Default, Clone)]
pub struct Disjoint {
    by_base: std::collections::BTreeMap<u32, Block>,
}

impl Disjoint {
    /// The block already held that overlaps `block`, if any.
    pub fn overlapping(&self, block: Block) -> Option<Block> {
        // The held block starting at or before `block`, and the first one
        // starting after it: only these two can overlap it, since held blocks
        // are disjoint and a block is no longer than its alignment.
        let before = self
            .by_base
            .range(..=block.base)
            .next_back()
            .map(|(_, b)| *b);
        let after = self
            .by_base
            .range(block.base..)
            .find(|(base, _)| **base != block.base || before.is_none())
            .map(|(_, b)| *b);
        [before, after]
            .into_iter()
            .flatten()
            .find(|held| held.overlaps(block))
    }

    /// Holds `block`, or gives back the held one it overlaps.
    pub fn insert(&mut self, block: Block) -> Result<(), Block> {
        match self.overlapping(block) {
            Some(other) => Err(other),
            None => {
                self.by_base.insert(block.base, block);
                Ok(())
            }
        }
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.base.to_be_bytes();
        write!(f, "{}.{}.{}.{}/{}", b[0], b[1], b[2], b[3], self.prefix)
    }
}

/// Why a text is not a usable VPC block.
#[derive(Debug, PartialEq, Eq)]
pub enum CidrError {
    Syntax,
    Prefix(u8),
    HostBits(Block),
}

impl FromStr for Block {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = s.split_once('/').ok_or(CidrError::Syntax)?;
        let octets: Vec<&str> = addr.split('.').collect();
        if octets.len() != 4 {
            return Err(CidrError::Syntax);
        }
        let mut base = 0u32;
        for octet in octets {
            if octet.is_empty() || octet.len() > 3 || !octet.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CidrError::Syntax);
            }
            let n: u32 = octet.parse().map_err(|_| CidrError::Syntax)?;
            if n > 255 {
                return Err(CidrError::Syntax);
            }
            base = (base << 8) | n;
        }
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 2 {
            return Err(CidrError::Syntax);
        }
        let prefix: u8 = prefix.parse().map_err(|_| CidrError::Syntax)?;
        if !(16..=24).contains(&prefix) {
            return Err(CidrError::Prefix(prefix));
        }
        let mask = u32::MAX << (32 - u32::from(prefix));
        if base & !mask != 0 {
            return Err(CidrError::HostBits(Block {
                base: base & mask,
                prefix,
            }));
        }
        Ok(Block { base, prefix })
    }
}

/// Allocates `count` blocks from 10.0.0.0/8 that overlap none of `taken`:
/// /16 blocks while they suffice, else the largest prefix down to /24 that
/// gives every request its own block. Blocks are handed out in address order,
/// so the same requests always get the same blocks.
pub fn allocate(count: usize, taken: &[Block]) -> Option<Vec<Block>> {
    if count == 0 {
        return Some(Vec::new());
    }
    let pool = Block {
        base: 10 << 24,
        prefix: 8,
    };
    let mut held = Disjoint::default();
    for block in taken {
        // Given blocks were checked to be disjoint; one that is not would
        // only make the check below stricter.
        let _ = held.insert(*block);
    }
    for prefix in 16..=24u8 {
        let free: Vec<Block> = pool
            .split(prefix - 8)
            .into_iter()
            .filter(|candidate| held.overlapping(*candidate).is_none())
            .take(count)
            .collect();
        if free.len() == count {
            return Some(free);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(s: &str) -> Block {
        s.parse().expect("valid block")
    }

    #[test]
    fn disjoint_finds_an_overlap_on_either_side_and_only_then() {
        let mut held = Disjoint::default();
        for b in ["10.1.0.0/16", "10.3.0.0/16", "10.2.128.0/24"] {
            held.insert(block(b)).expect("disjoint");
        }
        // Brute force agrees for every /24 and /16 around them.
        let all = [
            block("10.1.0.0/16"),
            block("10.3.0.0/16"),
            block("10.2.128.0/24"),
        ];
        let around = Block {
            base: 10 << 24,
            prefix: 12,
        };
        for candidate in around.split(12).into_iter().chain(around.split(4)) {
            let brute = all.iter().find(|b| b.overlaps(candidate)).copied();
            assert_eq!(held.overlapping(candidate), brute, "{candidate}");
        }
        assert_eq!(
            held.insert(block("10.2.0.0/16")),
            Err(block("10.2.128.0/24"))
        );
        assert_eq!(held.insert(block("10.1.0.0/16")), Err(block("10.1.0.0/16")));
    }

    #[test]
    fn loopback_link_local_and_multicast_blocks_are_unusable() {
        for (b, range) in [
            ("127.0.0.0/16", "127.0.0.0/8"),
            ("169.254.0.0/16", "169.254.0.0/16"),
            ("169.254.10.0/24", "169.254.0.0/16"),
            ("224.1.0.0/16", "224.0.0.0/4"),
            ("255.255.255.0/24", "240.0.0.0/4"),
            ("0.1.0.0/16", "0.0.0.0/8"),
        ] {
            let found = unusable(block(b)).map(|(r, _)| r.to_string());
            assert_eq!(found.as_deref(), Some(range), "{b}");
        }
        for b in [
            "10.0.0.0/16",
            "172.31.0.0/16",
            "192.168.0.0/16",
            "100.64.0.0/16",
            "8.8.0.0/16",
        ] {
            assert_eq!(unusable(block(b)), None, "{b}");
        }
    }

    #[test]
    fn parses_and_prints_blocks() {
        assert_eq!(block("10.10.0.0/16").to_string(), "10.10.0.0/16");
        assert_eq!(
            "10.10.1.0/16".parse::<Block>(),
            Err(CidrError::HostBits(block("10.10.0.0/16")))
        );
        assert_eq!("10.0.0.0/8".parse::<Block>(), Err(CidrError::Prefix(8)));
        assert_eq!("10.0.0.0/25".parse::<Block>(), Err(CidrError::Prefix(25)));
        for bad in [
            "10.0.0/16",
            "10.0.0.256/24",
            "a.b.c.d/16",
            "10.0.0.0",
            "10.0.0.0/x",
            " 10.0.0.0/16",
        ] {
            assert_eq!(bad.parse::<Block>(), Err(CidrError::Syntax), "{bad}");
        }
    }

    #[test]
    fn overlap_is_symmetric_and_exact() {
        assert!(block("10.0.0.0/16").overlaps(block("10.0.128.0/17")));
        assert!(block("10.0.128.0/17").overlaps(block("10.0.0.0/16")));
        assert!(!block("10.0.0.0/16").overlaps(block("10.1.0.0/16")));
    }

    #[test]
    fn allocation_prefers_16_and_skips_taken_blocks() {
        let got = allocate(3, &[block("10.1.0.0/16")]).expect("room");
        let got: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(got, ["10.0.0.0/16", "10.2.0.0/16", "10.3.0.0/16"]);
    }

    #[test]
    fn allocation_shrinks_blocks_when_sixteens_run_out() {
        // 256 /16 blocks exist in 10/8; ask for 300 and each gets a /17.
        let got = allocate(300, &[]).expect("room");
        assert_eq!(got.len(), 300);
        assert!(got.iter().all(|b| b.prefix == 17));
        assert_eq!(got[1].to_string(), "10.0.128.0/17");
    }

    #[test]
    fn allocation_fails_when_nothing_fits() {
        let all: Vec<Block> = Block {
            base: 10 << 24,
            prefix: 8,
        }
        .split(8);
        assert!(allocate(1, &all).is_none());
    }

    #[test]
    fn split_gives_equal_parts() {
        let parts: Vec<String> = block("10.0.0.0/16")
            .split(2)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            parts,
            [
                "10.0.0.0/18",
                "10.0.64.0/18",
                "10.0.128.0/18",
                "10.0.192.0/18"
            ]
        );
    }
}
