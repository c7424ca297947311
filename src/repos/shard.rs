//! Shards: a stable part of a repository list for one task of a batch engine's array job.
//!
//! A repository belongs to shard `hash(normalised URL) mod COUNT`, so every task computes the
//! same split without talking to the others, and adding a repository to the list moves no
//! other one. INDEX and COUNT come from `--shard INDEX/COUNT` or from the engine's variables.

use sha2::{Digest, Sha256};

/// One shard of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

/// The engines whose array-task variables are read, in order: (index variable, count variable,
/// engine). Kubernetes Indexed Jobs give no count: it comes from `KEYHOUND_SHARD_COUNT` (or
/// `--shard-count`), set to the Job's `completions`.
pub const ENGINES: &[(&str, &str, &str)] = &[
    ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "Slurm"),
    ("JOB_COMPLETION_INDEX", "KEYHOUND_SHARD_COUNT", "Kubernetes Indexed Job"),
    ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE", "AWS Batch"),
    ("CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT", "Cloud Run"),
];

impl Shard {
    /// Parses `INDEX/COUNT` (0-based index).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s}: expected INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard of this task from a batch engine's variables (`var` reads one), with the
    /// engine's name; `count` overrides the engine's count (`--shard-count`).
    pub fn from_env(
        var: &dyn Fn(&str) -> Option<String>,
        count: Option<usize>,
    ) -> Result<Option<(Shard, &'static str)>, String> {
        for (iv, cv, engine) in ENGINES {
            let Some(raw) = var(iv) else { continue };
            let mut index: usize =
                raw.trim().parse().map_err(|_| format!("{iv}={raw}: not a task index ({engine})"))?;
            if *iv == "SLURM_ARRAY_TASK_ID" {
                // an array may start anywhere (--array=1-4): count from its first task
                if let Some(min) = var("SLURM_ARRAY_TASK_MIN").and_then(|m| m.trim().parse::<usize>().ok()) {
                    index =
                        index.checked_sub(min).ok_or_else(|| format!("{iv}={raw} is below SLURM_ARRAY_TASK_MIN"))?;
                }
                if var("SLURM_ARRAY_TASK_STEP").is_some_and(|s| s.trim() != "1") {
                    return Err("Slurm array with a step other than 1: give --shard INDEX/COUNT".into());
                }
            }
            let n = match count {
                Some(n) => n,
                None => {
                    let v = var(cv).ok_or_else(|| {
                        format!("{iv} is set ({engine}) but {cv} is not: set it, or give --shard-count N")
                    })?;
                    v.trim().parse().map_err(|_| format!("{cv}={v}: not a task count ({engine})"))?
                }
            };
            if n == 0 || index >= n {
                return Err(format!("{engine}: task index {index} is not below the task count {n}"));
            }
            return Ok(Some((Shard { index, count: n }, engine)));
        }
        Ok(None)
    }

    /// Whether the repository with this normalised form belongs to this shard.
    pub fn takes(&self, key: &str) -> bool {
        let h = Sha256::digest(key.as_bytes());
        let n = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
        n % self.count as u64 == self.index as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn shards_split_a_list_stably() {
        let keys: Vec<String> = (0..1000).map(|i| format!("github.com/acme/repo-{i}")).collect();
        let shards: Vec<Shard> = (0..4).map(|i| Shard { index: i, count: 4 }).collect();
        let mut sizes = [0; 4];
        for k in &keys {
            let owners: Vec<usize> = shards.iter().filter(|s| s.takes(k)).map(|s| s.index).collect();
            assert_eq!(owners.len(), 1, "{k} belongs to exactly one shard");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| (200..300).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn engines_are_read() {
        let s = Shard::from_env(
            &env(&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "1")]),
            None,
        )
        .unwrap();
        assert_eq!(s, Some((Shard { index: 2, count: 4 }, "Slurm")));
        let k = Shard::from_env(&env(&[("JOB_COMPLETION_INDEX", "1")]), Some(3)).unwrap();
        assert_eq!(k, Some((Shard { index: 1, count: 3 }, "Kubernetes Indexed Job")));
        let e = Shard::from_env(&env(&[("JOB_COMPLETION_INDEX", "1")]), None).unwrap_err();
        assert!(e.contains("KEYHOUND_SHARD_COUNT"), "{e}");
        let a = Shard::from_env(&env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "0"), ("AWS_BATCH_JOB_ARRAY_SIZE", "2")]), None);
        assert_eq!(a.unwrap(), Some((Shard { index: 0, count: 2 }, "AWS Batch")));
        let c = Shard::from_env(&env(&[("CLOUD_RUN_TASK_INDEX", "5"), ("CLOUD_RUN_TASK_COUNT", "5")]), None);
        assert!(c.unwrap_err().contains("not below"));
        assert_eq!(Shard::from_env(&env(&[]), None).unwrap(), None);
        assert_eq!(Shard::parse("1/4").unwrap(), Shard { index: 1, count: 4 });
        for bad in ["4/4", "x/2", "1", "0/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
