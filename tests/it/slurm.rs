//! A real single-node Slurm cluster (Debian's `slurm-wlm` and `munge`, started here as root):
//! the array job of `deploy/slurm/keyhound-shard.sbatch` scans four shards, and
//! `keyhound merge` of their reports equals the single-process scan of the same list.
//!
//! Skipped, with the reason printed, where Slurm is not installed or the tests do not run as
//! root; `KEYHOUND_REQUIRE_SLURM=1` (set by `.ci/run`, which installs it) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Tree, program, run_in};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Why the cluster cannot run here, if it cannot.
fn unavailable() -> Option<String> {
    for c in ["slurmctld", "slurmd", "sbatch", "sinfo", "munged", "mungekey"] {
        if !have(c) {
            return Some(format!("`{c}` is not installed (apt-get install slurm-wlm munge)"));
        }
    }
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("slurmd must run as root".into());
    }
    None
}

/// munged, slurmctld and slurmd in the foreground, as children; killed on drop.
struct Cluster {
    dir: tempfile::TempDir,
    children: Vec<Child>,
}

impl Cluster {
    fn conf(&self) -> PathBuf {
        self.dir.path().join("slurm.conf")
    }

    fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["state", "spool"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        let host =
            String::from_utf8(Command::new("hostname").arg("-s").output().unwrap().stdout).unwrap().trim().to_string();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mem_mb = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .find(|l| l.starts_with("MemTotal:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .map_or(1024, |kb| kb / 1024 / 2);
        let key = d.join("munge.key");
        let st = Command::new("mungekey").args(["-c", "-k"]).arg(&key).status().unwrap();
        assert!(st.success(), "mungekey");
        let sock = d.join("munge.sock");
        let mut children = Vec::new();
        children.push(
            Command::new("munged")
                .args(["--foreground", "--force"])
                .arg(format!("--key-file={}", key.display()))
                .arg(format!("--socket={}", sock.display()))
                .arg(format!("--pid-file={}", d.join("munged.pid").display()))
                .arg(format!("--log-file={}", d.join("munged.log").display()))
                .arg(format!("--seed-file={}", d.join("munge.seed").display()))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("munged starts"),
        );
        let conf = format!(
            "ClusterName=keyhound-test\nSlurmctldHost={host}(127.0.0.1)\nSlurmUser=root\nSlurmdUser=root\n\
             AuthType=auth/munge\nAuthInfo=socket={sock}\nCredType=cred/munge\n\
             StateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\n\
             SlurmctldPidFile={d}/slurmctld.pid\nSlurmdPidFile={d}/slurmd.pid\n\
             SlurmctldPort={}\nSlurmdPort={}\nProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n\
             SchedulerType=sched/backfill\nSelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n\
             ReturnToService=2\nMpiDefault=none\nSlurmctldLogFile={d}/slurmctld.log\nSlurmdLogFile={d}/slurmd.log\n\
             NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={mem_mb} State=UNKNOWN\n\
             PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
            free_port(),
            free_port(),
            sock = sock.display(),
            d = d.display(),
        );
        std::fs::write(d.join("slurm.conf"), conf).unwrap();
        for _ in 0..100 {
            if sock.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut c = Cluster { dir, children };
        for (daemon, extra) in [("slurmctld", vec!["-D", "-i"]), ("slurmd", vec!["-D"])] {
            c.children.push(
                Command::new(daemon)
                    .args(&extra)
                    .env("SLURM_CONF", c.conf())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap_or_else(|e| panic!("{daemon} starts: {e}")),
            );
        }
        let start = Instant::now();
        loop {
            let out = Command::new("sinfo").args(["-h", "-o", "%t"]).env("SLURM_CONF", c.conf()).output().unwrap();
            let state = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if state == "idle" {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the node never became idle ({state}); see {}",
                c.dir.path().display()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        c
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for c in self.children.iter_mut().rev() {
            c.kill().ok();
            c.wait().ok();
        }
    }
}

#[test]
fn an_array_job_on_a_real_slurm_cluster_merges_to_the_single_run() {
    if let Some(why) = unavailable() {
        assert!(std::env::var_os("KEYHOUND_REQUIRE_SLURM").is_none(), "KEYHOUND_REQUIRE_SLURM is set but {why}");
        eprintln!("skipped: {why}");
        return;
    }
    let cluster = Cluster::start();
    let (base, _) = crate::repos::org(8, 41);
    let work = Tree::new();
    let urls: Vec<String> = (0..8).map(|i| base.path().join(format!("repo{i}")).display().to_string()).collect();
    let list = work.path().join("repos.txt");
    std::fs::write(&list, urls.join("\n") + "\n").unwrap();
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let script = crate::common::repo().join("deploy/slurm/keyhound-shard.sbatch");
    let st = Command::new("sbatch")
        .args(["--array=0-3", "--wait", "--cpus-per-task=1", "--mem=200M", "--quiet"])
        .arg(format!("--chdir={}", out.display()))
        .arg(&script)
        .env("SLURM_CONF", cluster.conf())
        .env("REPOS", &list)
        .env("OUT", &out)
        .env("KEYHOUND", program())
        .status()
        .expect("sbatch runs");
    assert!(st.success(), "the array job failed; logs in {}", out.display());
    let shards: Vec<String> = (0..4).map(|i| out.join(format!("shard-{i}.json")).display().to_string()).collect();
    for s in &shards {
        assert!(
            Path::new(s).is_file(),
            "{s} missing: {:?}",
            std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name()).collect::<Vec<_>>()
        );
    }
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    let merged = run_in(work.path(), &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    let whole = run_in(work.path(), &["scan", "--repos", list.to_str().unwrap(), "--format", "json", "-q"]);
    let m = merged.json();
    assert_eq!(crate::repos::places(&m), crate::repos::places(&whole.json()));
    assert_eq!(m["coverage"]["repositories"].as_array().unwrap().len(), 8);
    assert_eq!(m["coverage"]["missing_shards"], serde_json::json!([]));
    // every task read its index from Slurm's variables
    let shard_names: Vec<String> =
        m["coverage"]["shards"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    assert_eq!(shard_names, ["0/4", "1/4", "2/4", "3/4"]);
}
