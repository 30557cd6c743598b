#!/usr/bin/env bash
# A one-machine Slurm cluster for the tests of `deno task slurm` (Debian's slurmctld, slurmd, munge).
#
#   bash .ci/slurm.sh start    write a localhost slurm.conf (unless one of ours is there), start
#                              munged, slurmctld and slurmd as root, wait until sinfo shows the node
#                              idle (at most SLURM_KIT_WAIT seconds, default 60)
#   bash .ci/slurm.sh stop     stop the daemons this script started (by their pid files)
#   bash .ci/slurm.sh status   sinfo and squeue
#
# Runs as root. The configuration follows DESIGN.md ("The run contract"): proctrack/linuxproc,
# task/none, select/cons_tres, one node named after this host with its CPUs and memory. No
# accounting database: finished jobs stay visible to `squeue -t all` and `scontrol show job` for
# MinJobAge seconds (sacct needs slurmdbd, which a test machine does not run). A slurm.conf that
# this script did not write is never overwritten: start refuses instead.
set -euo pipefail

STATE="${SLURM_KIT_STATE:-/var/lib/slurm-kit}"
CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
MARK="# written by the kit's .ci/slurm.sh"
WAIT="${SLURM_KIT_WAIT:-60}"

say() { echo "slurm.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

write_conf() {
  local host cpus mem
  host="$(hostname -s)"
  cpus="$(nproc)"
  # slurmd drains a node whose memory is below RealMemory; take what slurmd itself measures.
  mem="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')"
  mem="${mem:-1000}"
  if [[ -e "$CONF" ]] && ! head -n 1 "$CONF" | grep -qF "$MARK"; then
    die "$CONF exists and was not written by this script; move it away or run the tests on that cluster"
  fi
  mkdir -p "$CONF_DIR" "$STATE/ctld" "$STATE/d" "$STATE/log"
  cat >"$CONF" <<EOF
$MARK; bash .ci/slurm.sh stop, then remove it
ClusterName=kit
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=3600
KillWait=5
MailProg=/bin/true
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  say "wrote $CONF (node $host, $cpus CPUs, $mem MB)"
}

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munged() {
  if munge_ok; then
    say "munged already answers"
    return
  fi
  if [[ ! -s /etc/munge/munge.key ]]; then
    mungekey --create --keyfile=/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  runuser -u munge -- /usr/sbin/munged
  touch "$STATE/munged.ours"
  for _ in $(seq 1 50); do
    munge_ok && return
    sleep 0.2
  done
  die "munged did not answer within 10 s (see /var/log/munge/munged.log)"
}

alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_state() { sinfo -h -N -o '%t' 2>/dev/null | head -n 1; }

start() {
  [[ "$(id -u)" == 0 ]] || die "start runs as root (slurmd starts jobs as their users)"
  write_conf
  start_munged
  if alive "$STATE/slurmctld.pid"; then say "slurmctld already runs"; else
    /usr/sbin/slurmctld -c
  fi
  if alive "$STATE/slurmd.pid"; then say "slurmd already runs"; else
    /usr/sbin/slurmd
  fi
  local state=""
  for _ in $(seq 1 "$((WAIT * 2))"); do
    state="$(node_state)"
    case "$state" in
      idle | mix | alloc)
        say "node $(hostname -s) is $state"
        return
        ;;
      drain* | down*)
        scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
        ;;
    esac
    sleep 0.5
  done
  tail -n 20 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2 || true
  die "the node is not idle after ${WAIT} s (state: ${state:-no answer from slurmctld})"
}

stop_one() {
  local name="$1" pidfile="$2"
  if ! alive "$pidfile"; then return; fi
  local pid
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || {
      say "stopped $name ($pid)"
      return
    }
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null || true
  say "killed $name ($pid) after 10 s"
}

stop() {
  stop_one slurmd "$STATE/slurmd.pid"
  stop_one slurmctld "$STATE/slurmctld.pid"
  if [[ -e "$STATE/munged.ours" ]]; then
    stop_one munged /run/munge/munged.pid
    rm -f "$STATE/munged.ours"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    sinfo
    squeue -t all
    ;;
  *) die "usage: bash .ci/slurm.sh start|stop|status" ;;
esac
