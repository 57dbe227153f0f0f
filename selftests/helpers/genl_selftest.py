#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""genl_selftest.py - the host-side self-test of genl.py, TAP on stdout.

    python3 selftests/helpers/genl.py --selftest   (or this file)

No kernel module needed: the header parser on a sample with the corners of
C, then on include/uapi/linux/drlb.h (every enum member found, the names the
helpers use resolve, values unique within each enum, every value equal to
what a C program compiled against the header prints), genl.py's netlink
constants against <linux/netlink.h> and <linux/genetlink.h>, and the codec
offline (attributes, NLMSG_ERROR with extended-ack TLVs).
"""

import errno as errno_mod
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import genl  # noqa: E402 pylint: disable=wrong-import-position
from genl import (  # noqa: E402 pylint: disable=wrong-import-position
    Header, NetlinkError, UapiError, decode, encode, genl_msg, nla_flag,
    nla_string, nla_u32, nla_u64, parse_attrs, parse_messages,
    NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_REQUEST, NLMSG_ERROR,
    NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGHDR)


_SAMPLE = r"""
/* comment with enum fake { NOT_A, MEMBER }; inside */
#define S_NAME "sa" "mple"	/* two literals */
#define S_VER 3
#define S_BIT (1ULL << 4)	// line comment
#define S_FN(x) ((x) + 1)
#define S_LATE (S_B_MAX + 0x10)
#define S_enumerate 5
#define S_SIZE sizeof(enum s_a)
enum s_a {
	S_A_UNSPEC,
	S_A_X,		/* u32 */
	S_A_NEST,	/* nested: S_B_* */
	S_A_NAME,	/* string: a name */
	S_A_SEVEN = 7,
	S_A_EIGHT,	/* u8, after an explicit value */
	__S_A_MAX
};
#define S_A_MAX (__S_A_MAX - 1)
enum s_b { S_B_UNSPEC, S_B_ADDR /* binary */, S_B_F, /* flag */
	   S_B_SHIFT = S_VER << 2, S_B_NEG = -1, S_B_MAX = S_B_SHIFT };
"""


class _Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what))
        if not cond:
            self.failed += 1
            for line in str(diag or "").splitlines():
                print("#   " + line)
        return cond

    def skip(self, what, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, what, why))

    def raises(self, exc, fn, what, needle=None):
        try:
            fn()
        except exc as e:
            return self.ok(needle is None or needle in str(e), what,
                           "message: %s" % e)
        except Exception as e:  # pylint: disable=broad-except
            return self.ok(False, what, "raised %r" % e)
        return self.ok(False, what, "nothing raised")


def _c_values(h, names):
    """Compile a C program printing names' values from the header (and
    the netlink constants from <linux/*netlink.h>); {name: value}."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None, "no C compiler"
    src = ['#include <stdio.h>', '#include "%s"' % os.path.abspath(h.path)]
    body = []
    for n in names:
        v = h[n]
        if isinstance(v, str):
            body.append('printf("%%s \\"%%s\\"\\n", "%s", %s);' % (n, n))
        else:
            body.append('printf("%%s %%lld\\n", "%s", (long long)(%s));'
                        % (n, n))
    with tempfile.TemporaryDirectory() as d:
        c = os.path.join(d, "v.c")
        exe = os.path.join(d, "v")
        with open(c, "w", encoding="utf-8") as f:
            f.write("\n".join(src + ["int main(void)", "{"] + body +
                              ["return 0;", "}", ""]))
        r = subprocess.run([cc, "-Wall", "-Werror", "-o", exe, c],
                           capture_output=True, text=True, check=False)
        if r.returncode:
            return None, "the C program does not build:\n" + r.stderr
        r = subprocess.run([exe], capture_output=True, text=True,
                           check=True)
    out = {}
    for line in r.stdout.splitlines():
        n, v = line.split(" ", 1)
        out[n] = v[1:-1] if v.startswith('"') else int(v)
    return out, None


def _c_kernel_abi():
    """(name, C expression, Python value) of the netlink constants above."""
    g = vars(genl)
    exprs = {"NLA_TYPE_MASK": "(NLA_TYPE_MASK & 0xFFFF)"}
    return [(n, exprs.get(n, n), g[n]) for n in (
        "NETLINK_GENERIC", "NLMSG_NOOP", "NLMSG_ERROR", "NLMSG_DONE",
        "NLMSG_OVERRUN", "NLM_F_REQUEST", "NLM_F_MULTI", "NLM_F_ACK",
        "NLM_F_DUMP_INTR", "NLM_F_DUMP", "NLM_F_CAPPED", "NLM_F_ACK_TLVS",
        "NLA_F_NESTED", "NLA_F_NET_BYTEORDER", "NLA_TYPE_MASK",
        "SOL_NETLINK", "NETLINK_CAP_ACK", "NETLINK_EXT_ACK",
        "NLMSGERR_ATTR_MSG", "NLMSGERR_ATTR_OFFS", "NLMSGERR_ATTR_MISS_TYPE",
        "NLMSGERR_ATTR_MISS_NEST", "GENL_ID_CTRL", "CTRL_CMD_GETFAMILY",
        "CTRL_ATTR_FAMILY_ID", "CTRL_ATTR_FAMILY_NAME", "CTRL_ATTR_VERSION",
        "CTRL_ATTR_HDRSIZE", "CTRL_ATTR_MAXATTR", "CTRL_ATTR_OPS",
        "CTRL_ATTR_OP_ID", "CTRL_ATTR_OP_FLAGS", "GENL_ADMIN_PERM",
        "GENL_CMD_CAP_DO", "GENL_CMD_CAP_DUMP", "GENL_CMD_CAP_HASPOL",
        "GENL_UNS_ADMIN_PERM")]


def _check_kernel_abi(t):
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    what = "the netlink/genetlink constants match <linux/*netlink.h>"
    if not cc:
        t.skip(what, "no C compiler")
        return
    consts = _c_kernel_abi()
    src = ["#include <stdio.h>", "#include <sys/socket.h>",
           "#include <linux/netlink.h>", "#include <linux/genetlink.h>",
           "#ifndef SOL_NETLINK", "#define SOL_NETLINK 270", "#endif",
           "int main(void)", "{"]
    src += ['printf("%%s %%lld\\n", "%s", (long long)(%s));' % (n, e)
            for n, e, _ in consts]
    src += ["return 0;", "}", ""]
    with tempfile.TemporaryDirectory() as d:
        c = os.path.join(d, "k.c")
        exe = os.path.join(d, "k")
        with open(c, "w", encoding="utf-8") as f:
            f.write("\n".join(src))
        r = subprocess.run([cc, "-o", exe, c], capture_output=True,
                           text=True, check=False)
        if r.returncode:
            t.skip(what, "<linux/genetlink.h> too old or missing")
            return
        r = subprocess.run([exe], capture_output=True, text=True,
                           check=True)
    got = dict(line.split(" ") for line in r.stdout.splitlines())
    bad = ["%s: C %s, Python %d" % (n, got.get(n), v) for n, _, v in consts
           if got.get(n) != str(v)]
    t.ok(not bad, what, "\n".join(bad))


def selftest():
    t = _Tap()

    # The parser on a sample that exercises its corners.
    s = Header(path="sample.h", text=_SAMPLE)
    t.ok(s.enums.get("s_a") == {
        "S_A_UNSPEC": 0, "S_A_X": 1, "S_A_NEST": 2, "S_A_NAME": 3,
        "S_A_SEVEN": 7, "S_A_EIGHT": 8, "__S_A_MAX": 9},
        "sample: implicit and explicit enum values", s.enums.get("s_a"))
    t.ok(s.enums.get("s_b") == {"S_B_UNSPEC": 0, "S_B_ADDR": 1, "S_B_F": 2,
                                "S_B_SHIFT": 12, "S_B_NEG": -1,
                                "S_B_MAX": 12},
         "sample: members on one line, values from macros and members",
         s.enums.get("s_b"))
    t.ok((s["S_NAME"], s["S_VER"], s["S_BIT"], s["S_A_MAX"], s["S_LATE"])
         == ("sample", 3, 16, 8, 28),
         "sample: string, integer and expression macros (incl. a macro "
         "naming a later enum)")
    t.ok("S_FN" not in s and "NOT_A" not in s and "fake" not in s.enums and
         s["S_enumerate"] == 5 and "S_SIZE" not in s and
         list(s.enums) == ["s_a", "s_b"],
         "sample: function-like macros, comments, uses of enum skipped")
    t.ok([s.attr_kind(n) for n in ("S_A_X", "S_A_NEST", "S_A_NAME",
                                   "S_A_EIGHT", "S_B_ADDR", "S_B_F",
                                   "S_A_SEVEN")] ==
         [("u32", None), ("nested", "S_B_"), ("string", None), ("u8", None),
          ("binary", None), ("flag", None), (None, None)],
         "sample: attribute types from the members' comments")
    t.raises(UapiError, lambda: s["S_NOPE"],
             "sample: an unknown name raises UapiError naming it", "S_NOPE")
    t.raises(UapiError, lambda: Header("x.h", "#define A (B + 1)\n"
                                       "#define B A\n")["A"],
             "sample: a self-referencing macro is an error, not a loop")

    # The real header.
    try:
        h = Header()
    except (OSError, ValueError) as e:
        t.ok(False, "drlb.h parses", e)
        print("1..%d" % t.n)
        return 1
    t.ok(True, "drlb.h parses (%s)" % os.path.relpath(h.path))
    t.ok(isinstance(h.family_name, str) and h.family_name and
         isinstance(h.family_version, int) and h.family_version > 0,
         "family name %r, version %r" % (h.family_name, h.family_version))
    with open(h.path, encoding="utf-8") as f:
        lines = set(re.findall(r"^\s*(_*DRLB_\w+)\s*[,=]", f.read(), re.M))
    missed = sorted(lines - set(n for m in h.enums.values() for n in m))
    t.ok(not missed, "all %d enum members of drlb.h parsed" % len(lines),
         "missed: %s" % " ".join(missed))
    cmds = h.names("DRLB_CMD_")
    t.ok(len(cmds) > 0, "%d commands (DRLB_CMD_*)" % len(cmds))
    for n in ("DRLB_CMD_GET_SERVICE", "DRLB_CMD_GET_CONN",
              "DRLB_CMD_FLUSH", "DRLB_A_SERVICE", "DRLB_SVC_A_ADDR",
              "DRLB_CMD_MAX", "DRLB_A_MAX"):
        v = h[n] if n in h else "missing"
        t.ok(isinstance(v, int) and v > 0, "%s resolves (%s)" % (n, v))
    t.ok(h.cmd("GET_CONN") == h.cmd("DRLB_CMD_GET_CONN") == h.cmd(
         str(h["DRLB_CMD_GET_CONN"])) and
         h.cmd_name(h["DRLB_CMD_GET_CONN"]) == "DRLB_CMD_GET_CONN",
         "commands by short name, full name and number")
    t.ok(h["DRLB_CMD_MAX"] == max(cmds.values()),
         "DRLB_CMD_MAX is the last command")
    t.raises(UapiError, lambda: h.cmd("NO_SUCH_CMD"),
             "an unknown command raises UapiError naming it",
             "DRLB_CMD_NO_SUCH_CMD")
    attr_enums = [tag for tag, m in h.enums.items()
                  if any(re.match(r"DRLB_\w*A_UNSPEC$", n) for n in m)]
    t.ok(len(attr_enums) >= 2, "%d attribute enums: %s"
         % (len(attr_enums), " ".join(attr_enums)))
    for tag, members in h.enums.items():
        vals = [v for n, v in members.items() if n not in h.aliases]
        dup = sorted({v for v in vals if vals.count(v) > 1})
        t.ok(members and not dup, "enum %s: %d members, values unique"
             % (tag, len(members)), "duplicate values %s" % dup)
    bad = []
    for tag in attr_enums:
        for n in h.enums[tag]:
            kind, sub = h.attr_kind(n)
            if kind == "nested":
                try:
                    h.names(sub)
                except UapiError as e:
                    bad.append(str(e))
    t.ok(not bad, "every nested attribute's comment names existing "
         "members", "\n".join(bad))

    # Every name's value as the C compiler sees it.
    vals = h.values()
    got, why = _c_values(h, sorted(vals))
    what = "all %d enum members and constant macros of drlb.h equal the " \
        "C compiler's values" % len(vals)
    if got is None and why == "no C compiler":
        t.skip(what, why)
    else:
        bad = ["%s: C %r, Python %r" % (n, (got or {}).get(n), v)
               for n, v in vals.items() if (got or {}).get(n) != v]
        t.ok(got is not None and not bad, what, why or "\n".join(bad))
    _check_kernel_abi(t)

    # The codec, offline.
    svc = encode({"DRLB_A_SERVICE": {"DRLB_SVC_A_AF": 2,
                                     "DRLB_SVC_A_PROTOCOL": 6,
                                     "DRLB_SVC_A_ADDR": "10.0.0.1",
                                     "DRLB_SVC_A_PORT": 80,
                                     "DRLB_SVC_A_SCHED_NAME": "rr"}},
                 h)
    outer = parse_attrs(svc)
    t.ok(len(outer) == 1 and outer[0].nested and
         outer[0].type == h["DRLB_A_SERVICE"] and len(svc) % 4 == 0,
         "encode: a nested attribute with NLA_F_NESTED, padded")
    inner = outer[0].attrs()
    t.ok([a.type for a in inner] == [h[n] for n in (
        "DRLB_SVC_A_AF", "DRLB_SVC_A_PROTOCOL", "DRLB_SVC_A_ADDR",
        "DRLB_SVC_A_PORT", "DRLB_SVC_A_SCHED_NAME")] and
        [len(a.data) for a in inner] == [2, 1, 4, 2, 3],
        "encode: u16, u8, binary, u16, string sized as their types")
    back = decode(svc, hdr=h)
    t.ok(back == {"DRLB_A_SERVICE": {
        "DRLB_SVC_A_AF": 2, "DRLB_SVC_A_PROTOCOL": 6,
        "DRLB_SVC_A_ADDR": b"\x0a\0\0\x01", "DRLB_SVC_A_PORT": 80,
        "DRLB_SVC_A_SCHED_NAME": "rr"}}, "decode(encode(x)) == x", back)
    t.ok(nla_u64(1, 2 ** 64 - 1) == b"\x0c\0\x01\0" + b"\xff" * 8 and
         nla_u32("DRLB_A_API_VERSION", 1, hdr=h)[2:4] ==
         struct.pack("=H", h["DRLB_A_API_VERSION"]) and
         nla_flag(5) == b"\x04\0\x05\0" and
         nla_string(2, "ab") == b"\x07\0\x02\0ab\0\0",
         "nla_u64/u32/flag/string by number and by name")
    t.raises(UapiError, lambda: encode({"DRLB_SVC_A_NOPE": 1}, h),
             "encode: an unknown attribute raises naming it",
             "DRLB_SVC_A_NOPE")
    t.raises(ValueError, lambda: parse_attrs(b"\x10\0\x01\0abcd"),
             "parse_attrs: an attribute longer than its buffer is refused")
    # An NLMSG_ERROR as the kernel sends it to a NETLINK_CAP_ACK,
    # NETLINK_EXT_ACK socket: errno, the request's header, TLVs.
    req = genl_msg(0x20, 2, svc, NLM_F_REQUEST | NLM_F_ACK, 7)
    tlv = nla_string(NLMSGERR_ATTR_MSG, "Unknown scheduler") + \
        nla_u32(NLMSGERR_ATTR_OFFS, 36)
    err = struct.pack("=i", -errno_mod.ENOENT) + req[:16] + tlv
    m = parse_messages(NLMSGHDR.pack(16 + len(err), NLMSG_ERROR,
                                     NLM_F_CAPPED | NLM_F_ACK_TLVS, 7,
                                     0) + err)
    t.ok(len(m) == 1 and m[0].error == -errno_mod.ENOENT and
         m[0].extack == {"msg": "Unknown scheduler", "offset": 36},
         "NLMSG_ERROR (capped): errno and the extack message, offset",
         m and (m[0].error, m[0].extack))
    err = struct.pack("=i", -errno_mod.EINVAL) + req + tlv
    m = parse_messages(NLMSGHDR.pack(16 + len(err), NLMSG_ERROR,
                                     NLM_F_ACK_TLVS, 7, 0) + err)
    e = NetlinkError(-m[0].error, m[0].extack, "NEW_SERVICE")
    t.ok(m[0].extack.get("msg") == "Unknown scheduler" and
         e.name == "EINVAL" and "Unknown scheduler" in str(e),
         "NLMSG_ERROR (not capped): the extack after the echoed request",
         str(e))
    # A dump refused after it started: NLMSG_DONE carrying the error.
    done = struct.pack("=i", -errno_mod.EPERM) + \
        nla_string(NLMSGERR_ATTR_MSG, "no")
    m = parse_messages(NLMSGHDR.pack(16 + len(done), genl.NLMSG_DONE,
                                     genl.NLM_F_MULTI | NLM_F_ACK_TLVS, 9,
                                     0) + done)
    t.ok(m[0].error == -errno_mod.EPERM and m[0].extack == {"msg": "no"},
         "NLMSG_DONE: a dump's error and its extack message",
         (m[0].error, m[0].extack))
    # nlctrl's answer to CTRL_CMD_GETFAMILY: the id, the ops and flags.
    ops = genl.nla_nest(genl.CTRL_ATTR_OPS, genl.nla_nest(
        1, nla_u32(genl.CTRL_ATTR_OP_ID, 5),
        nla_u32(genl.CTRL_ATTR_OP_FLAGS, 0xe)), genl.nla_nest(
        2, nla_u32(genl.CTRL_ATTR_OP_ID, 13),
        nla_u32(genl.CTRL_ATTR_OP_FLAGS, 0x5)), genl.nla_nest(
        3, nla_u32(genl.CTRL_ATTR_OP_ID, 1)))
    reply = genl_msg(genl.GENL_ID_CTRL, 1, genl.nla_u16(
        genl.CTRL_ATTR_FAMILY_ID, 35) + nla_string(
        genl.CTRL_ATTR_FAMILY_NAME, "drlb") + nla_u32(
        genl.CTRL_ATTR_VERSION, 1) + ops)
    fam = genl.Family(parse_messages(reply)[0])
    t.ok((fam.id, fam.name, fam.version, fam.ops, fam.op_flags(13),
          fam.op_flags(99)) ==
         (35, "drlb", 1, [(5, 14), (13, 5), (1, 0)], 5, None),
         "Family: id, name, version and the ops with their flags, in order",
         (fam.id, fam.name, fam.version, fam.ops))
    print("1..%d" % t.n)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(selftest())
