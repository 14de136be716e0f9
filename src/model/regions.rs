//! AWS region codes by partition, from the AWS SDK endpoint data (October 2026),
//! embedded so that the binary needs nothing beside it.

const TABLE: &str = include_str!("aws-regions.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub partition: &'static str,
    pub code: &'static str,
    pub description: &'static str,
}

pub fn all() -> impl Iterator<Item = Region> {
    TABLE.lines().skip(1).filter_map(|line| {
        let mut fields = line.split('\t');
        Some(Region {
            partition: fields.next()?,
            code: fields.next()?,
            description: fields.next()?,
        })
    })
}

pub fn find(code: &str) -> Option<Region> {
    all().find(|r| r.code == code)
}

pub fn codes() -> Vec<&'static str> {
    all().map(|r| r.code).collect()
}

/// The region in which a partition's AWS Organizations API, and so the
/// organization stack, lives.
pub fn organizations_region(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "cn-northwest-1",
        "aws-us-gov" => "us-gov-west-1",
        "aws-iso" => "us-iso-east-1",
        "aws-iso-b" => "us-isob-east-1",
        "aws-iso-e" => "eu-isoe-west-1",
        _ => "us-east-1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_well_formed() {
        let regions: Vec<Region> = all().collect();
        assert_eq!(regions.len(), 40);
        assert_eq!(find("us-east-1").map(|r| r.partition), Some("aws"));
        assert_eq!(find("cn-north-1").map(|r| r.partition), Some("aws-cn"));
        assert!(find("us-east-9").is_none());
        for partition in [
            "aws",
            "aws-cn",
            "aws-us-gov",
            "aws-iso",
            "aws-iso-b",
            "aws-iso-e",
        ] {
            let home = organizations_region(partition);
            assert_eq!(
                find(home).map(|r| r.partition),
                Some(partition),
                "{partition}"
            );
        }
    }
}
