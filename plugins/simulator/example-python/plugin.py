#!/usr/bin/python3 -I
"""A patchcheck simulator plugin in Python: the go-plugin handshake, served
over gRPC with Debian's python3-grpcio, python3-protobuf and
python3-cryptography, and a simple model.

Run it through patchcheck, which pins the file it runs by its SHA-256:

    patchcheck simulate fleet.yaml \\
        --simulator plugins/simulator/example-python/plugin.py \\
        --simulator-sha256 "$(sha256sum plugins/simulator/example-python/plugin.py | cut -d' ' -f1)"

The model is valid, not faithful to Azure: it obeys every rule the
conformance suite (plugins/simulator/simulatortest) checks, and nothing more.
The phases of the plan in force run one after the other from the release;
in its phase, each eligible VM (in fleet order) installs at the earliest time
that fits inside one occurrence of its off-peak window while it is on and
clashes with no install already placed in its region (another zone, another
update domain of its availability set, or the set's 20% cap). An attempt
fails with the VM's failureProbability and is retried in its next window; a
success reports unhealthy with its unhealthyProbability, and a phase whose
unhealthy share exceeds settings.healthThreshold halts the rollout (or pauses
it haltHours). Enablement, assessment and catch-up are not modelled.

patchcheck runs this file from a private copy, so the generated modules are
read from the folder patchcheck names in PATCHCHECK_SIMULATOR_DIR (the
original's), and each is loaded only when its bytes match the SHA-256 this
file pins for it (generate.sh writes the pins). The interpreter runs in
isolated mode (-I): no PYTHON* variables, user site-packages or script
folder on the import path, only Debian's own packages.
"""

import base64
import bisect
import datetime
import hashlib
import json
import math
import os
import queue
import random
import re
import signal
import sys
import threading
import traceback
import types
import zoneinfo

# The handshake patchcheck expects (plugins/simulator/grpc.go, Handshake).
MAGIC_COOKIE_KEY = "PATCHCHECK_PLUGIN"
MAGIC_COOKIE_VALUE = "patchcheck-simulator-6b1f0c2e9d4a"
PROTOCOL_VERSION = 4  # simulator.ProtocolVersion
CORE_PROTOCOL_VERSION = 1  # go-plugin's
MAX_MESSAGE_BYTES = 1 << 30  # simulator.MaxMessageBytes

NAME = "example-python"
VERSION = "0.1.0"

# SHA-256 of each generated module this file loads. generate.sh rewrites the
# block; a module whose bytes differ is refused.
# BEGIN generated module pins (generate.sh)
GENERATED_SHA256 = {
    "grpc_controller_pb2": "22ed3c17fc6ae8d7f7e3942ebf4c02c1ef28720b8fb913464d13c5b487de023a",
    "grpc_controller_pb2_grpc": "416c5d8cc5dfa8e0d74a4f737c65cda7a6691b34efcbb9abaa9b21bd5f832f74",
    "grpc_stdio_pb2": "236853a90ecea234bcbddf26b9862b9140034052eae4e878c3577d27c6f0aa21",
    "grpc_stdio_pb2_grpc": "d6c83a8a18ad094f5a4ea741b6ffdcc1ba153ee20ff6e79fb79d2edcaf26ec54",
    "health_pb2": "14f17374e451738927ed82329732e16109e23c23554ef0bbae4bfe48f6333e0c",
    "health_pb2_grpc": "f9eb8adc70c6100258362b220c488da4ee9455d675618688100794969f30149f",
    "simulator_pb2": "a5dd0b255d8dbf904ae206b5fb961e7e91b2c18a779b550ff5c18edefa03ca57",
    "simulator_pb2_grpc": "c8a9af221ebe9fa9025a4b6295c2cd88d9b627c65ce47c3a1aaf987e582b5bd3",
}
# END generated module pins


def log(level, message):
    """Writes one hclog JSON line to the real stderr: patchcheck shows
    warnings and errors to the user and drops the rest."""
    line = json.dumps({"@level": level, "@message": message, "@module": "simulator"})
    sys.__stderr__.write(line + "\n")
    sys.__stderr__.flush()


def fail(message):
    sys.__stderr__.write(f"{NAME}: {message}\n")
    sys.__stderr__.flush()
    sys.exit(1)


def load_generated():
    """Loads the generated modules from the plugin's folder, each only if its
    bytes hash to its pin, and returns them by name."""
    folder = os.environ.get("PATCHCHECK_SIMULATOR_DIR") or os.path.dirname(os.path.abspath(__file__))
    mods = {}
    # The *_pb2 modules first: the *_pb2_grpc ones import them by name.
    for name in sorted(GENERATED_SHA256, key=lambda n: (n.endswith("_grpc"), n)):
        path = os.path.join(folder, name + ".py")
        try:
            with open(path, "rb") as f:
                src = f.read(1 << 20)
        except OSError as e:
            fail(f"cannot read the generated module {path}: {e}")
        if hashlib.sha256(src).hexdigest() != GENERATED_SHA256[name]:
            fail(f"{path} does not match the SHA-256 plugin.py pins for it; "
                 "run generate.sh, then pin plugin.py again")
        mod = types.ModuleType(name)
        mod.__file__ = path
        sys.modules[name] = mod
        exec(compile(src, path, "exec"), mod.__dict__)
        mods[name] = mod
    return mods


# ---------------------------------------------------------------------------
# Time: instants are integer nanoseconds since the Unix epoch, exact, like
# Go's time.Time; local wall times follow Go's time.Date.

NS = 1_000_000_000
MINUTE = 60 * NS
HOUR = 60 * MINUTE
DAY = 24 * HOUR
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

_zones = {}


def zone(name):
    z = _zones.get(name)
    if z is None:
        try:
            z = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
            raise ModelError(f"time zone {name!r}: {e}") from None
        _zones[name] = z
    return z


def utc_offset(tz, unix_seconds):
    """The zone's UTC offset in seconds at an instant."""
    dt = datetime.datetime.fromtimestamp(unix_seconds, tz)
    return int(dt.utcoffset().total_seconds())


def local_instant(tz, ordinal, minutes):
    """The instant of a local wall time: `minutes` after midnight of the
    proleptic Gregorian day `ordinal`, resolved as Go's time.Date resolves
    times in a daylight-saving gap or overlap, so that windows agree with
    the host's to the nanosecond."""
    local = (ordinal - EPOCH_ORDINAL) * 86400 + minutes * 60
    offset = utc_offset(tz, local)
    utc = local - offset
    again = utc_offset(tz, utc)
    if again != offset:
        utc = local - again
    return utc * NS


def local_ordinal(tz, instant):
    """The proleptic Gregorian ordinal of the local date at an instant."""
    return datetime.datetime.fromtimestamp(instant // NS, tz).toordinal()


def rfc3339(instant, tz=datetime.timezone.utc):
    """RFC 3339 without fractional seconds, as Go's time.RFC3339 prints."""
    s = datetime.datetime.fromtimestamp(instant // NS, tz).isoformat()
    return s[:-6] + "Z" if s.endswith("+00:00") else s


def parse_clock(s):
    """Minutes after midnight of "HH:MM" (24:00 allowed)."""
    m = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", s)
    if not m:
        raise ModelError(f"time {s!r}: want HH:MM")
    h, mm = int(m.group(1)), int(m.group(2))
    if h > 24 or mm > 59 or (h == 24 and mm):
        raise ModelError(f"time {s!r}: want HH:MM between 00:00 and 24:00")
    return h * 60 + mm


def occurrence(tz, ordinal, start, end):
    """The occurrence of a daily window that starts on a local date; an end
    at or before the start is on the next day."""
    return (local_instant(tz, ordinal, start),
            local_instant(tz, ordinal + (1 if end <= start else 0), end))


WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def union(ivs):
    ivs = sorted(ivs)
    out = []
    for s, e in ivs:
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def subtract(ivs, cut):
    cs, ce = cut
    out = []
    for s, e in ivs:
        if e <= cs or ce <= s:
            out.append((s, e))
            continue
        if s < cs:
            out.append((s, cs))
        if ce < e:
            out.append((ce, e))
    return out


def intersect(a, b):
    """Intersection of two sorted lists of disjoint intervals."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


class ModelError(Exception):
    """A request the model cannot simulate; its message reaches the user."""


# ---------------------------------------------------------------------------
# The model. Its input is plain Python values (see model_request), so it
# does not depend on the shape of the generated messages.

class VM:
    __slots__ = ("name", "subscription", "region", "zone", "availability_set", "update_domain",
                 "os", "publisher", "offer", "sku", "custom_image", "patch_mode",
                 "automatic_updates", "agent_version", "time_zone", "off_peak", "power",
                 "outages", "install_minutes", "failure_probability", "unhealthy_probability")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw[k])


class Request:
    """What the model reads of a request. Times are nanoseconds."""
    __slots__ = ("release", "deadline_days", "bake_hours", "health_threshold", "halt_hours",
                 "seed", "trials", "plan", "supported_images", "image_patterns",
                 "windows_needs_auto_updates", "availability_set_cap", "min_linux_agent", "vms")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw[k])


def version_at_least(v, minimum):
    def parse(s):
        parts = s.split(".")
        if not all(re.fullmatch(r"[+-]?[0-9]+", p) for p in parts):
            return None
        nums = [int(p) for p in parts]
        return None if any(n < 0 for n in nums) else nums
    a, b = parse(v), parse(minimum) or []
    if a is None:
        return False
    n = max(len(a), len(b))
    a, b = a + [0] * (n - len(a)), b + [0] * (n - len(b))
    return a >= b


def eligibility(req, vm, patterns):
    """Whether the platform orchestrates the VM, and if not why: the
    request's rules, in the order the conformance suite checks them."""
    os_ = vm.os.lower()
    key = f"{vm.publisher}:{vm.offer}:{vm.sku}".lower()
    if os_ not in ("windows", "linux"):
        return False, f"unknown OS {vm.os!r}"
    if vm.patch_mode.casefold() != "automaticbyplatform":
        return False, f"patchMode {vm.patch_mode} is not AutomaticByPlatform"
    if vm.custom_image:
        return False, "custom image"
    if key not in req.supported_images and not any(
            p.casefold() == vm.publisher.casefold() and o.casefold() == vm.offer.casefold()
            and rx is not None and rx.search(vm.sku.lower())
            for p, o, rx in patterns):
        return False, f"image {vm.publisher}:{vm.offer}:{vm.sku} is not supported"
    if os_ == "windows" and req.windows_needs_auto_updates and not vm.automatic_updates:
        return False, "Windows with enableAutomaticUpdates false"
    if os_ == "linux" and vm.agent_version and not version_at_least(vm.agent_version, req.min_linux_agent):
        return False, f"Linux agent {vm.agent_version} is older than {req.min_linux_agent}"
    return True, ""


def slots(vm, release, deadline, cache):
    """The spans in which the VM may install, sorted: each lies inside one
    occurrence of its off-peak window while it is on (power schedule minus
    outages), between the release and the deadline. VMs with the same
    schedule share the answer."""
    key = (vm.time_zone, vm.off_peak, vm.power, vm.outages)
    if key in cache:
        return cache[key]
    tz = zone(vm.time_zone)
    first = local_ordinal(tz, release) - 2
    last = local_ordinal(tz, deadline) + 1
    start, end = (parse_clock(x) for x in vm.off_peak)
    windows = [occurrence(tz, d, start, end) for d in range(first + 1, last)]
    if vm.power:
        on = []
        for days, ps, pe in vm.power:
            wanted = set()
            for d in days:
                wd = WEEKDAYS.get(d.strip().lower()[:3])
                if wd is None:
                    raise ModelError(f"unknown day {d!r} in a power schedule")
                wanted.add(wd)
            s, e = parse_clock(ps), parse_clock(pe)
            for d in range(first, last + 1):
                if datetime.date.fromordinal(d).weekday() in wanted:
                    iv = occurrence(tz, d, s, e)
                    if iv[0] < iv[1]:
                        on.append(iv)
        on = union(on)
    else:
        on = [(release - DAY, deadline + DAY)]
    for frm, to in vm.outages:
        try:
            a = datetime.date.fromisoformat(frm).toordinal()
            b = datetime.date.fromisoformat(to).toordinal()
        except ValueError:
            raise ModelError(f"powerOff {frm!r}..{to!r}: want YYYY-MM-DD dates") from None
        on = subtract(on, (local_instant(tz, a, 0), local_instant(tz, b + 1, 0)))
    out = []
    for ws, we in windows:
        if ws < we:
            for s, e in intersect([(ws, we)], on):
                s, e = max(s, release), min(e, deadline)
                if s < e:
                    out.append((s, e))
    out.sort()
    cache[key] = out
    return out


def set_key(vm):
    return (vm.subscription, vm.region, vm.availability_set)


def simulate(req, check_cancelled):
    """Runs the model: returns phases, steps, per-VM results of trial 0 and
    the curve, as plain values."""
    release = req.release
    deadline = release + req.deadline_days * DAY
    patterns = []
    for p, o, rx in req.image_patterns:
        try:
            patterns.append((p, o, re.compile(rx)))
        except re.error:
            patterns.append((p, o, None))  # matches nothing, as in Go
    req.supported_images = {s.lower() for s in req.supported_images}

    phase_of = {}
    for i, regions in enumerate(req.plan):
        for r in regions:
            phase_of[r] = i
    judged = [eligibility(req, vm, patterns) for vm in req.vms]
    cache = {}
    spans = [slots(vm, release, deadline, cache) if ok else [] for vm, (ok, _) in zip(req.vms, judged)]
    set_size = {}
    for vm in req.vms:
        if vm.availability_set:
            set_size[set_key(vm)] = set_size.get(set_key(vm), 0) + 1

    trials = max(req.trials, 1)
    curves = []
    first = None
    for trial in range(trials):
        check_cancelled()
        rng = random.Random(f"{req.seed}/{trial}")
        run = run_trial(req, judged, spans, set_size, phase_of, release, deadline, rng, check_cancelled)
        results = run[2]
        ends = sorted(r["install"][1] for r in results if r["compliant"])
        curve = [bisect.bisect_right(ends, release + d * DAY) / len(results) if results else 0.0
                 for d in range(req.deadline_days + 1)]
        curves.append(curve)
        if trial == 0:
            first = run
    points = []
    for d in range(req.deadline_days + 1):
        vals = sorted(c[d] for c in curves)
        p10, p50, p90 = (vals[max(0, math.ceil(q * trials) - 1)] for q in (0.1, 0.5, 0.9))  # nearest rank
        points.append((d, curves[0][d], p10, p50, p90))
    phases, steps, results = first
    return phases, steps, results, points, deadline, trials


def run_trial(req, judged, spans, set_size, phase_of, release, deadline, rng, check_cancelled):
    vms = req.vms
    results = []
    for vm, (ok, why) in zip(vms, judged):
        phase = phase_of.get(vm.region, -1) if ok else -1
        results.append({"phase": phase, "eligible": ok, "reason": why, "install": None,
                        "attempts": 0, "compliant": False})
        if ok and phase < 0:
            results[-1]["reason"] = f"region {vm.region} is in no phase of the plan"
    placed = {}  # region -> [(vm index, start, end)] of attempts in their turn
    phases, steps = [], []
    start, halted = release, False
    for p, regions in enumerate(req.plan):
        members = [i for i, r in enumerate(results) if r["eligible"] and r["phase"] == p]
        ph = {"index": p, "regions": list(regions), "start": None, "end": None,
              "status": "not-started", "vms": len(members), "patched": 0, "unhealthy": 0}
        phases.append(ph)
        if halted:
            for i in members:
                results[i]["reason"] = "phase never started: an earlier phase halted"
            continue
        end = start
        groups = {}  # (region, group) -> [start, end, names]
        for i in members:
            check_cancelled()
            vm, r = vms[i], results[i]
            iv, attempts = place(i, vms, spans[i], placed.setdefault(vm.region, []), set_size,
                                 req.availability_set_cap, start, rng)
            r["attempts"] = attempts
            if iv is None:
                if attempts:
                    r["reason"] = f"still retrying a failing install: {attempts} attempts failed"
                elif not any(e > start for _, e in spans[i]):
                    r["reason"] = "powered off during every off-peak window before the deadline"
                else:
                    r["reason"] = "no off-peak window free of other installs before the deadline"
                continue
            r["install"], r["compliant"], r["reason"] = iv, True, ""
            end = max(end, iv[1])
            ph["patched"] += 1
            if rng.random() < vm.unhealthy_probability:
                ph["unhealthy"] += 1
            g = groups.setdefault((vm.region, group_name(vm)), [iv[0], iv[1], []])
            g[0], g[1] = min(g[0], iv[0]), max(g[1], iv[1])
            g[2].append(vm.name)
        ph["start"], ph["end"], ph["status"] = start, end, "succeeded"
        for (region, group), (s, e, names) in groups.items():
            steps.append({"phase": p, "region": region, "group": group, "start": s, "end": e, "vms": names})
        start = end + int(req.bake_hours * HOUR)  # truncated, as Go converts
        if ph["unhealthy"] and ph["unhealthy"] / ph["patched"] > req.health_threshold:
            ph["status"] = "halted"
            if req.halt_hours is None:
                halted = True
            else:
                start = end + int(req.halt_hours * HOUR)
    return phases, steps, results


def group_name(vm):
    if vm.availability_set:
        return f"availability set {vm.availability_set}, UD {vm.update_domain}"
    if vm.zone:
        return f"zone {vm.zone}"
    return f"subscription {vm.subscription}"


def place(i, vms, spans, placed, set_size, cap_on, start, rng):
    """Places VM i's install at the earliest time from start that fits one
    of its spans and clashes with nothing placed in its region; a failed
    attempt is retried from its next span. Returns the successful install
    (start, end) or None, and the number of attempts."""
    vm = vms[i]
    dur = max(vm.install_minutes, 1) * MINUTE
    hard, soft = [], []  # installs it may never overlap / may overlap up to the set's cap
    for j, s, e in placed:
        o = vms[j]
        if vm.zone and o.zone and vm.zone != o.zone:
            hard.append((s, e))
        elif vm.availability_set and set_key(vm) == set_key(o):
            (hard if vm.update_domain != o.update_domain else soft).append((s, e))
    cap = max(1, set_size.get(set_key(vm), 0) // 5) if vm.availability_set and cap_on else len(soft) + 1
    candidates = sorted({max(s, start) for s, _ in spans} | {e for _, e in hard + soft if e >= start})
    attempts, after = 0, start
    k = 0  # spans before k end too early for any candidate still to come
    for t in candidates:
        if t < after:
            continue
        while k < len(spans) and spans[k][1] < t + dur:
            k += 1
        if k == len(spans):
            break
        s, e = spans[k]
        if t < s:
            continue  # between spans: a later candidate starts the next one
        iv = (t, t + dur)
        if any(a < iv[1] and iv[0] < b for a, b in hard):
            continue
        if sum(1 for a, b in soft if a < iv[1] and iv[0] < b) + 1 > cap:
            continue
        attempts += 1
        placed.append((i, iv[0], iv[1]))  # a failed attempt holds its slot too
        if rng.random() < vm.failure_probability:
            after = e  # retried in its next window
            continue
        return iv, attempts
    return None, attempts


# ---------------------------------------------------------------------------
# go-plugin: the handshake, mutual TLS, and the services its host calls.

def certificate():
    """A one-time self-signed certificate for localhost, as go-plugin's
    generateCert makes for AutoMTLS: the host trusts exactly this one.
    Returns the key and certificate in PEM and the certificate in DER."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "patchcheck"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(seconds=30))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=True, data_encipherment=False,
                                         key_agreement=True, key_cert_sign=True, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH,
                                                  ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM), cert.public_bytes(serialization.Encoding.DER)


class ChannelWriter:
    """A text stream whose writes go to the host over go-plugin's GRPCStdio
    service, as a Go plugin's os.Stdout and os.Stderr do once it serves:
    patchcheck shows the plugin's stderr to the user."""

    def __init__(self, q, channel):
        self.q, self.channel = q, channel

    def write(self, s):
        try:
            self.q.put_nowait((self.channel, s.encode("utf-8", "replace")))
        except queue.Full:
            pass  # nobody reads: drop rather than block the model
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False


class Cancelled(Exception):
    """The host cancelled the call or its deadline passed."""


def serve(mods):
    import grpc
    from concurrent import futures

    sim_pb, sim_grpc = mods["simulator_pb2"], mods["simulator_pb2_grpc"]
    health_pb, health_grpc = mods["health_pb2"], mods["health_pb2_grpc"]
    ctl_pb, ctl_grpc = mods["grpc_controller_pb2"], mods["grpc_controller_pb2_grpc"]
    stdio_pb, stdio_grpc = mods["grpc_stdio_pb2"], mods["grpc_stdio_pb2_grpc"]
    stop = threading.Event()
    output = queue.Queue(maxsize=4096)

    class Health:
        # go-plugin's host checks the service "plugin" before dispensing.
        def Check(self, request, context):
            if request.service not in ("", "plugin"):
                context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {request.service!r}")
            return health_pb.HealthCheckResponse(status=health_pb.HealthCheckResponse.SERVING)

    class Controller:
        # The host calls Shutdown when it closes the plugin.
        def Shutdown(self, request, context):
            stop.set()
            return ctl_pb.Empty()

    class Stdio:
        def StreamStdio(self, request, context):
            while context.is_active() and not stop.is_set():
                try:
                    channel, data = output.get(timeout=0.2)
                except queue.Empty:
                    continue
                yield stdio_pb.StdioData(channel=channel, data=data)

    class Simulator:
        def Describe(self, request, context):
            return sim_pb.DescribeResponse(name=NAME, version=VERSION, protocol_version=PROTOCOL_VERSION)

        def Simulate(self, request_iterator, context):
            def check_cancelled():
                if not context.is_active():
                    raise Cancelled()
            try:
                yield from simulate_call(sim_pb, request_iterator, check_cancelled)
            except (Cancelled, grpc.RpcError):  # reading a cancelled call's requests raises RpcError
                context.abort(grpc.StatusCode.CANCELLED, "the call was cancelled")
            except ModelError as e:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
            except Exception as e:  # the host gets the message, the log the traceback
                log("error", "simulator failed in Simulate:\n" + traceback.format_exc())
                context.abort(grpc.StatusCode.INTERNAL, f"the simulator failed in Simulate: {type(e).__name__}: {e}")

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                 ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)])
    sim_grpc.add_SimulatorServicer_to_server(Simulator(), server)
    health_grpc.add_HealthServicer_to_server(Health(), server)
    ctl_grpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_grpc.add_GRPCStdioServicer_to_server(Stdio(), server)

    # AutoMTLS: the host's one-time certificate is the only client trusted.
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT", "")
    if not client_cert:
        fail("PLUGIN_CLIENT_CERT is not set: patchcheck runs every plugin with mutual TLS")
    key_pem, cert_pem, cert_der = certificate()
    creds = grpc.ssl_server_credentials([(key_pem, cert_pem)], root_certificates=client_cert.encode(),
                                        require_client_auth=True)
    # TCP on the loopback interface: the simplest address gRPC and the host
    # share on every OS, and mutual TLS keeps other local users out.
    port = server.add_secure_port("127.0.0.1:0", creds)
    if not port:
        fail("cannot listen on 127.0.0.1")
    server.start()

    # The handshake line: core protocol, app protocol, network, address,
    # protocol, and the certificate in DER, base64 without padding.
    cert = base64.b64encode(cert_der).decode("ascii").rstrip("=")
    sys.stdout.write(f"{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|tcp|127.0.0.1:{port}|grpc|{cert}\n")
    sys.stdout.flush()
    sys.stdout = ChannelWriter(output, stdio_pb.StdioData.STDOUT)
    sys.stderr = ChannelWriter(output, stdio_pb.StdioData.STDERR)

    # Stop when the host asks, or when it is gone without asking.
    parent = os.getppid()
    while not stop.wait(1.0):
        if os.getppid() != parent:
            break
    stop.set()
    server.stop(grace=2).wait()
    return 0


def main():
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write("This program is a patchcheck simulator plugin: patchcheck starts it\n"
                         "(patchcheck simulate --simulator ... --simulator-sha256 ...).\n")
        return 1
    try:
        import cryptography, google.protobuf, grpc  # noqa: F401 (Debian's packages)
    except ImportError as e:
        fail(f"{e}: install Debian's python3-grpcio, python3-protobuf and python3-cryptography")
    # Ctrl-C reaches the whole process group; the host decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Like a go-plugin server, this answers with the protocol version it
    # speaks whatever the host offers in PLUGIN_PROTOCOL_VERSIONS: a host
    # that speaks another refuses it, naming both.
    return serve(load_generated())


# ---------------------------------------------------------------------------
# The contract (../proto/simulator.proto): messages in, the model, messages
# out.

CHUNK = 10_000  # VM results or plan steps per message


def instant(ts):
    """A google.protobuf.Timestamp in nanoseconds."""
    return ts.seconds * NS + ts.nanos


def timestamp(pb_ts, ns):
    pb_ts.seconds, pb_ts.nanos = divmod(ns, NS)


def read_request(request_iterator, check_cancelled):
    """Reads the header and the VM chunks that follow; parts this plugin
    does not know are ignored, as the contract asks."""
    header, vms = None, []
    for msg in request_iterator:
        check_cancelled()
        part = msg.WhichOneof("part")
        if part == "header":
            if header is not None:
                raise ModelError("the request has two headers")
            header = msg.header
        elif part == "vms":
            if header is None:
                raise ModelError("the request's VMs came before its header")
            vms.extend(msg.vms.vms)
    check_cancelled()
    if header is None:
        raise ModelError("the request has no header")
    if len(vms) != header.vm_count:
        raise ModelError(f"the request holds {len(vms)} VMs, its header says {header.vm_count}")
    return header, vms


def default_patch_mode(modes, v):
    """The mode Azure runs a VM with when it sets none: the request's
    default for its OS (and, on Windows, its automatic updates setting)."""
    os_ = v.os.lower()
    if os_ == "windows":
        return modes.windows if v.enable_automatic_updates else modes.windows_automatic_updates_off
    return modes.linux if os_ == "linux" else ""


def model_request(h, vms):
    """The model's view of a request. The profile's facts (minimum Linux
    agent, default patch modes) come from the request, never from here."""
    if not h.min_linux_agent:
        raise ModelError("the request carries no minimum Linux agent version")
    fl, st = h.fleet, h.fleet.settings
    modes = h.default_patch_modes
    return Request(
        release=instant(fl.release.date),
        deadline_days=st.deadline_days,
        bake_hours=st.phase_bake_hours,
        health_threshold=st.health_threshold,
        halt_hours=st.halt_hours if st.HasField("halt_hours") else None,
        seed=h.seed,
        trials=h.trials,
        plan=[list(p.regions) for p in (fl.phases or h.default_phases)],
        supported_images=list(h.supported_images),
        image_patterns=[(p.publisher, p.offer, p.sku_regex) for p in h.image_patterns],
        windows_needs_auto_updates=h.windows_needs_auto_updates,
        availability_set_cap=h.availability_set_cap,
        min_linux_agent=h.min_linux_agent,
        vms=[VM(name=v.name, subscription=v.subscription, region=v.region, zone=v.zone,
                availability_set=v.availability_set, update_domain=v.update_domain, os=v.os,
                publisher=v.image.publisher, offer=v.image.offer, sku=v.image.sku,
                custom_image=v.custom_image, patch_mode=v.patch_mode or default_patch_mode(modes, v),
                automatic_updates=v.enable_automatic_updates, agent_version=v.agent_version,
                time_zone=v.time_zone, off_peak=(v.off_peak.start, v.off_peak.end),
                power=tuple((tuple(p.days), p.start, p.end) for p in v.power_schedule),
                outages=tuple((o.from_date, o.to_date) for o in v.power_off),
                install_minutes=v.install_minutes, failure_probability=v.failure_probability,
                unhealthy_probability=v.unhealthy_probability)
             for v in vms])


def simulate_call(pb, request_iterator, check_cancelled):
    """One Simulate call: reads the request, runs the model and yields the
    plan, the VM results (in the request's order) and the trailer."""
    h, pb_vms = read_request(request_iterator, check_cancelled)
    req = model_request(h, pb_vms)
    phases, steps, results, points, deadline, trials = simulate(req, check_cancelled)

    for i in range(0, len(steps), CHUNK):
        chunk = pb.PlanChunk()
        for st in steps[i:i + CHUNK]:
            m = chunk.steps.add(phase=st["phase"], region=st["region"], group=st["group"], vms=st["vms"])
            timestamp(m.start, st["start"])
            timestamp(m.end, st["end"])
        yield pb.SimulateResponse(plan=chunk)

    summaries = {}
    for i in range(0, len(req.vms), CHUNK):
        check_cancelled()
        chunk = pb.VmResultChunk()
        for vm, r in zip(req.vms[i:i + CHUNK], results[i:i + CHUNK]):
            m = chunk.vms.add(name=vm.name, region=vm.region, zone=vm.zone,
                              availability_set=vm.availability_set, update_domain=vm.update_domain,
                              phase=r["phase"], eligible=r["eligible"], attempts=r["attempts"],
                              compliant=r["compliant"], reason=r["reason"])
            if r["install"]:
                start, end = r["install"]
                timestamp(m.install_start, start)
                timestamp(m.install_end, end)
                m.install_windows = 1
                m.local_install = rfc3339(start, zone(vm.time_zone))
                m.days_after_release = math.floor((end - req.release) / DAY * 100 + 0.5) / 100
            s = summaries.setdefault(vm.region, [0, 0, 0])
            s[0] += 1
            s[1] += r["eligible"]
            s[2] += r["compliant"]
        yield pb.SimulateResponse(results=chunk)

    t = pb.ForecastTrailer(vm_count=len(req.vms), plan_step_count=len(steps), seed=h.seed, trials=trials)
    t.simulator.name, t.simulator.version, t.simulator.protocol_version = NAME, VERSION, PROTOCOL_VERSION
    t.release.CopyFrom(h.fleet.release.date)
    timestamp(t.deadline, deadline)
    for ph in phases:
        m = t.phases.add(index=ph["index"], regions=ph["regions"], status=ph["status"], vms=ph["vms"],
                         patched=ph["patched"], unhealthy=ph["unhealthy"])
        if ph["start"] is not None:
            timestamp(m.start, ph["start"])
            timestamp(m.end, ph["end"])
    for day, compliant, p10, p50, p90 in points:
        t.curve.add(day=day, compliant=compliant, p10=p10, p50=p50, p90=p90)
    phase_of = {r: ph["index"] for ph in phases for r in ph["regions"]}
    for region in sorted(summaries):
        vms_, eligible, compliant = summaries[region]
        t.regions.add(region=region, phase=phase_of.get(region, -1), vms=vms_, eligible=eligible,
                      compliant=compliant)
    # No assumptions: echoing the request's settings would claim the ones
    # this model ignores (enablement, assessment, batches, phase hours), and
    # reports then say the simulator states none.
    yield pb.SimulateResponse(trailer=t)


if __name__ == "__main__":
    code = main()
    sys.__stdout__.flush()
    sys.__stderr__.flush()
    os._exit(code)  # without waiting on gRPC's threads
