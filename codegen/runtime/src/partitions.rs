//! The AWS partition table used by the `aws.partition` endpoint-rules function.
//!
//! This is the project's own transcription of the public partition facts (names, DNS
//! suffixes, FIPS / dual-stack support, implicit global regions, explicitly listed regions
//! and region-name shapes). Region-name regexes are not evaluated with a regex engine:
//! every AWS partition regex has the shape `^(P1|P2|..)\-\w+\-\d+$`, so a partition stores
//! its list of prefixes `Pn` and [`RegionShape::matches`] checks the fixed tail by hand.

/// What `aws.partition` returns for a region (the `Partition` structure of the AWS rules
/// engine library).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOutputs {
    /// The partition's name, e.g. `aws`, `aws-cn`.
    pub name: &'static str,
    /// Default DNS suffix, e.g. `amazonaws.com`.
    pub dns_suffix: &'static str,
    /// DNS suffix of dual-stack endpoints, e.g. `api.aws`.
    pub dual_stack_dns_suffix: &'static str,
    /// Whether the partition has FIPS endpoints.
    pub supports_fips: bool,
    /// Whether the partition has dual-stack endpoints.
    pub supports_dual_stack: bool,
    /// The region that global endpoints of this partition are signed for.
    pub implicit_global_region: &'static str,
}

/// A region-name shape `^(prefix1|prefix2|..)\-\w+\-\d+$` (`\w` = `[A-Za-z0-9_]`,
/// `\d` = `[0-9]`). Prefixes may themselves contain `-` (e.g. `us-gov`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionShape {
    /// The alternatives of the leading group.
    pub prefixes: &'static [&'static str],
}

impl RegionShape {
    /// Whether `region` has this shape.
    pub fn matches(&self, region: &str) -> bool {
        region_head(region).is_some_and(|head| self.prefixes.contains(&head))
    }
}

/// For a region name of the form `HEAD-\w+-\d+`, returns `HEAD` (`\w` = `[A-Za-z0-9_]`,
/// `\d` = `[0-9]`). Because `\w` excludes `-`, a name has this form exactly when its last
/// `-`-separated part is digits and the one before it is word characters, so a shape
/// `^(P1|P2|..)\-\w+\-\d+$` matches exactly when the head is one of the `Pn`.
fn region_head(region: &str) -> Option<&str> {
    let b = region.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    // Scan back over `\d+`, `-`, `\w+`, `-`.
    let mut i = b.len();
    while i > 0 && b.get(i - 1).is_some_and(u8::is_ascii_digit) {
        i -= 1;
    }
    if i == b.len() || i == 0 || b.get(i - 1) != Some(&b'-') {
        return None;
    }
    i -= 1;
    let word_end = i;
    while i > 0 && b.get(i - 1).is_some_and(|&c| is_word(c)) {
        i -= 1;
    }
    if i == word_end || i == 0 || b.get(i - 1) != Some(&b'-') {
        return None;
    }
    region.get(..i - 1)
}

/// One AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// The partition id (same as `outputs.name`).
    pub id: &'static str,
    /// The shape of region names in this partition (used when a region is not listed).
    pub region_shape: RegionShape,
    /// Regions explicitly known to belong to the partition (checked first).
    pub regions: &'static [&'static str],
    /// The attributes returned by `aws.partition`.
    pub outputs: PartitionOutputs,
}

/// All partitions, in matching order. The first (`aws`) is also the fallback for region
/// names that neither are listed nor match any shape.
pub const PARTITIONS: &[Partition] = &[
    Partition {
        id: "aws",
        region_shape: RegionShape {
            prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
        },
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        outputs: PartitionOutputs {
            name: "aws",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-east-1",
        },
    },
    Partition {
        id: "aws-cn",
        region_shape: RegionShape { prefixes: &["cn"] },
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        outputs: PartitionOutputs {
            name: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
            dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "cn-northwest-1",
        },
    },
    Partition {
        id: "aws-us-gov",
        region_shape: RegionShape {
            prefixes: &["us-gov"],
        },
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        outputs: PartitionOutputs {
            name: "aws-us-gov",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-gov-west-1",
        },
    },
    Partition {
        id: "aws-iso",
        region_shape: RegionShape {
            prefixes: &["us-iso"],
        },
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        outputs: PartitionOutputs {
            name: "aws-iso",
            dns_suffix: "c2s.ic.gov",
            dual_stack_dns_suffix: "c2s.ic.gov",
            supports_fips: true,
            supports_dual_stack: false,
            implicit_global_region: "us-iso-east-1",
        },
    },
    Partition {
        id: "aws-iso-b",
        region_shape: RegionShape {
            prefixes: &["us-isob"],
        },
        regions: &["aws-iso-b-global", "us-isob-east-1"],
        outputs: PartitionOutputs {
            name: "aws-iso-b",
            dns_suffix: "sc2s.sgov.gov",
            dual_stack_dns_suffix: "sc2s.sgov.gov",
            supports_fips: true,
            supports_dual_stack: false,
            implicit_global_region: "us-isob-east-1",
        },
    },
    Partition {
        id: "aws-iso-e",
        region_shape: RegionShape {
            prefixes: &["eu-isoe"],
        },
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        outputs: PartitionOutputs {
            name: "aws-iso-e",
            dns_suffix: "cloud.adc-e.uk",
            dual_stack_dns_suffix: "cloud.adc-e.uk",
            supports_fips: true,
            supports_dual_stack: false,
            implicit_global_region: "eu-isoe-west-1",
        },
    },
    Partition {
        id: "aws-iso-f",
        region_shape: RegionShape {
            prefixes: &["us-isof"],
        },
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        outputs: PartitionOutputs {
            name: "aws-iso-f",
            dns_suffix: "csp.hci.ic.gov",
            dual_stack_dns_suffix: "csp.hci.ic.gov",
            supports_fips: true,
            supports_dual_stack: false,
            implicit_global_region: "us-isof-south-1",
        },
    },
    Partition {
        id: "aws-eusc",
        region_shape: RegionShape {
            prefixes: &["eusc-de"],
        },
        regions: &["eusc-de-east-1"],
        outputs: PartitionOutputs {
            name: "aws-eusc",
            dns_suffix: "amazonaws.eu",
            dual_stack_dns_suffix: "amazonaws.eu",
            supports_fips: true,
            supports_dual_stack: false,
            implicit_global_region: "eusc-de-east-1",
        },
    },
];

/// The partition of `region`: an explicitly listed region first, then the first partition
/// whose region shape matches, else the `aws` partition.
///
/// Implemented shape-first (cheaper than scanning the region lists): every listed region
/// either matches no shape or matches its own partition's shape first (a unit test checks
/// this), so the result is the same.
pub fn partition_for_region(region: &str) -> &'static Partition {
    if let Some(head) = region_head(region) {
        if let Some(p) = PARTITIONS
            .iter()
            .find(|p| p.region_shape.prefixes.contains(&head))
        {
            return p;
        }
    }
    if let Some(p) = PARTITIONS.iter().find(|p| p.regions.contains(&region)) {
        return p;
    }
    &PARTITIONS[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(region: &str) -> &'static str {
        partition_for_region(region).outputs.name
    }

    #[test]
    fn listed_regions() {
        assert_eq!(name("us-east-1"), "aws");
        assert_eq!(name("aws-global"), "aws");
        assert_eq!(name("aws-cn-global"), "aws-cn");
        assert_eq!(name("cn-north-1"), "aws-cn");
        assert_eq!(name("us-gov-west-1"), "aws-us-gov");
        assert_eq!(name("aws-us-gov-global"), "aws-us-gov");
        assert_eq!(name("us-iso-west-1"), "aws-iso");
        assert_eq!(name("aws-iso-b-global"), "aws-iso-b");
        assert_eq!(name("eu-isoe-west-1"), "aws-iso-e");
        assert_eq!(name("us-isof-south-1"), "aws-iso-f");
        assert_eq!(name("eusc-de-east-1"), "aws-eusc");
    }

    #[test]
    fn shapes() {
        assert_eq!(name("us-east-10"), "aws");
        assert_eq!(name("mx-north-7"), "aws");
        assert_eq!(name("cn-north-5"), "aws-cn");
        assert_eq!(name("us-gov-north-2"), "aws-us-gov");
        assert_eq!(name("us-iso-north-3"), "aws-iso");
        assert_eq!(name("us-isob-west-9"), "aws-iso-b");
        assert_eq!(name("eu-isoe-north-2"), "aws-iso-e");
        assert_eq!(name("us-isof-west-2"), "aws-iso-f");
        assert_eq!(name("eusc-de-west-2"), "aws-eusc");
        // Falls back to aws.
        assert_eq!(name("mars-global"), "aws");
        assert_eq!(name(""), "aws");
        assert_eq!(name("eusc-fr-east-1"), "aws");
    }

    /// The invariant `partition_for_region` relies on to test shapes before region lists.
    #[test]
    fn listed_regions_agree_with_shapes() {
        for p in PARTITIONS {
            for r in p.regions {
                if let Some(first) = PARTITIONS.iter().find(|q| q.region_shape.matches(r)) {
                    assert_eq!(
                        first.id, p.id,
                        "{r} is listed in {} but shaped like {}",
                        p.id, first.id
                    );
                }
            }
        }
    }

    #[test]
    fn tail() {
        let s = RegionShape { prefixes: &["us"] };
        assert!(s.matches("us-east-1"));
        assert!(s.matches("us-a_b9-0123"));
        assert!(!s.matches("us-east-"));
        assert!(!s.matches("us--1"));
        assert!(!s.matches("us-east-1a"));
        assert!(!s.matches("us-gov-east-1"));
        assert!(!s.matches("useast-1"));
        assert!(!s.matches("us-east-1\n"));
        assert!(!s.matches("us-eäst-1"));
    }
}
