"""A network namespace behind a veth pair, with tbf rate caps and iptables loss (no netem here).

The host keeps ``10.77.N.1``; the namespace gets ``10.77.N.2``. ``tbf`` on the host end
shapes host -> namespace traffic (workstation -> patient); ``iptables -m statistic`` in the
namespace drops a share of incoming packets; a DROP-all rule makes an outage. Needs root.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=10)


def available() -> str | None:
    """Why namespaces cannot be used here, or ``None`` if they can."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("/usr/sbin/ip", "/usr/sbin/tc", "/usr/sbin/iptables"):
        if not Path(tool).exists():
            return f"{tool} missing"
    return None


@dataclass
class NetLab:
    ns: str
    host_if: str
    host_ip: str
    ns_ip: str

    def cap(self, rate_kbit: int) -> None:
        """Rate-cap host -> namespace with a token bucket (100 ms of queue, then drops)."""
        _run(
            "tc",
            "qdisc",
            "replace",
            "dev",
            self.host_if,
            "root",
            "tbf",
            "rate",
            f"{rate_kbit}kbit",
            "burst",
            "20kb",
            "latency",
            "100ms",
        )

    def uncap(self) -> None:
        subprocess.run(
            ["tc", "qdisc", "del", "dev", self.host_if, "root"], capture_output=True, timeout=10
        )

    def loss(self, probability: float) -> None:
        """Drop ``probability`` of the UDP packets entering the namespace (0 removes the rule)."""
        subprocess.run(
            ["ip", "netns", "exec", self.ns, "iptables", "-F", "INPUT"],
            capture_output=True,
            timeout=10,
        )
        if probability > 0:
            _run(
                "ip",
                "netns",
                "exec",
                self.ns,
                "iptables",
                "-A",
                "INPUT",
                "-p",
                "udp",
                "-m",
                "statistic",
                "--mode",
                "random",
                "--probability",
                f"{probability}",
                "-j",
                "DROP",
            )

    def outage(self, on: bool) -> None:
        """Drop every packet in and out of the namespace (TCP included) while ``on``."""
        for chain in ("INPUT", "OUTPUT"):
            subprocess.run(
                ["ip", "netns", "exec", self.ns, "iptables", "-F", chain],
                capture_output=True,
                timeout=10,
            )
            if on:
                _run("ip", "netns", "exec", self.ns, "iptables", "-A", chain, "-j", "DROP")

    def wrapper(self, tmp: Path, executable: str) -> str:
        """A script that runs ``executable`` inside the namespace (for Playwright)."""
        script = tmp / f"in-{self.ns}.sh"
        script.write_text(f'#!/bin/sh\nexec ip netns exec {self.ns} {executable} "$@"\n')
        script.chmod(0o755)
        return str(script)


@contextmanager
def netlab(index: int) -> Iterator[NetLab]:
    """Create the namespace and veth pair; always removed at exit."""
    tag = f"{os.getpid() % 10000}{index}"
    ns, host_if, ns_if = f"tm{tag}", f"tmh{tag}", f"tmn{tag}"
    subnet = 100 + (os.getpid() + index) % 100
    lab = NetLab(ns=ns, host_if=host_if, host_ip=f"10.77.{subnet}.1", ns_ip=f"10.77.{subnet}.2")
    try:
        _run("ip", "netns", "add", ns)
        _run("ip", "link", "add", host_if, "type", "veth", "peer", "name", ns_if)
        _run("ip", "link", "set", ns_if, "netns", ns)
        _run("ip", "addr", "add", f"{lab.host_ip}/24", "dev", host_if)
        _run("ip", "link", "set", host_if, "up")
        _run("ip", "netns", "exec", ns, "ip", "addr", "add", f"{lab.ns_ip}/24", "dev", ns_if)
        _run("ip", "netns", "exec", ns, "ip", "link", "set", ns_if, "up")
        _run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
        yield lab
    finally:
        subprocess.run(["ip", "link", "del", host_if], capture_output=True, timeout=10)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)
