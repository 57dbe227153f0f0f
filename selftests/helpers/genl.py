#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""genl.py - generic netlink for the drlb selftest helpers (stdlib only).

The numbers of the drlb family (commands, attributes, the family's name and
version) are never written here: they are read at run time from the uapi
header, include/uapi/linux/drlb.h (found relative to this file), so a change
of the header cannot leave the helpers speaking an old protocol. A name the
header does not define is an error (UapiError names it), never a guess.
Only the constants of the kernel's own netlink and genetlink ABI (frozen,
from <linux/netlink.h> and <linux/genetlink.h>) are spelled out below; the
self-test checks them against those headers when they are installed.

    import genl
    h = genl.header()                    # the parsed drlb.h
    h.cmd("GET_SERVICE")                 # DRLB_CMD_GET_SERVICE's number
    h["DRLB_SVC_A_PORT"]                 # any enum member or macro
    with genl.Genl() as nl:              # a NETLINK_GENERIC socket
        fam = nl.family()                # drlb resolved via nlctrl, with
        fam.ops                          # its ops: [(cmd, flags), ...]
        svc = genl.encode({"DRLB_A_SERVICE": {"DRLB_SVC_A_AF": 2, ...}})
        for m in nl.request("GET_SERVICE", dump=True):
            print(m.decode())            # {"DRLB_A_SERVICE": {...}}
    # A refusal raises NetlinkError: .errno, .msg (the extack message),
    # .offset (NLMSGERR_ATTR_OFFS), .miss_type (NLMSGERR_ATTR_MISS_TYPE).

Attribute types for encode()/decode() come from the comment after each
attribute in the header ("u16", "string", "binary", "flag", "nested:
DRLB_STATS_A_*", ...); nla_u8() .. nla_nest() encode with an explicit type.

    python3 selftests/helpers/genl.py --selftest   host-side TAP self-test
    python3 selftests/helpers/genl.py --names [PREFIX]
                                                   "NAME VALUE" per name
"""

import bisect
import errno as errno_mod
import os
import socket
import struct
import sys

HEADER = os.path.normpath(os.path.join(
    os.path.dirname(os.path.realpath(__file__)),
    "..", "..", "include", "uapi", "linux", "drlb.h"))

# <linux/netlink.h>
NETLINK_GENERIC = 16
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 1, 2, 3, 4
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 0x1, 0x2, 0x4
NLM_F_DUMP_INTR = 0x10
NLM_F_ROOT, NLM_F_MATCH = 0x100, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200  # on NLMSG_ERROR / DONE
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000
NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xFFFF
SOL_NETLINK = 270
NETLINK_CAP_ACK, NETLINK_EXT_ACK = 10, 11
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST = 5, 6
# <linux/genetlink.h>
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_VERSION = 1, 2, 3
CTRL_ATTR_HDRSIZE, CTRL_ATTR_MAXATTR, CTRL_ATTR_OPS = 4, 5, 6
CTRL_ATTR_OP_ID, CTRL_ATTR_OP_FLAGS = 1, 2
GENL_ADMIN_PERM, GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP = 0x1, 0x2, 0x4
GENL_CMD_CAP_HASPOL, GENL_UNS_ADMIN_PERM = 0x8, 0x10

NLMSGHDR = struct.Struct("=IHHII")  # len, type, flags, seq, pid
GENLMSGHDR = struct.Struct("=BBH")  # cmd, version, reserved
NLATTR = struct.Struct("=HH")  # len, type

ATTR_KINDS = ("u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
              "string", "binary", "flag", "nested")
_INT_FMT = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q",
            "s8": "=b", "s16": "=h", "s32": "=i", "s64": "=q"}


def _align(n):
    return (n + 3) & ~3


# --------------------------------------------------------------------------
# The uapi header


class UapiError(KeyError):
    """A name the header does not define (or defines in a way not parsed)."""

    def __str__(self):
        return self.args[0]


class _CycleError(UapiError):
    pass


class Header:
    """The enums and macros of a C header, by name.

    enums: {enum tag: {member: value}} in order of declaration (an
    anonymous enum is keyed "enum@LINE"); values(): every enum member and
    every macro whose value is an integer or string constant.
    """

    def __init__(self, path=HEADER, text=None):
        self.path = path
        if text is None:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        self.enums = {}
        self.aliases = set()  # members given a value naming another name
        self._members = {}  # member: (enum tag, value)
        self._comments = {}  # member: its trailing comment
        self._macros = {}  # name: raw text
        self._cache = {}
        self._parse(text)

    def _where(self):
        return os.path.basename(self.path) if self.path else "the header"

    # -- parsing (plain string scanning: no regex to compile on the way to
    # the common names, as the helpers start often under TCG)

    @staticmethod
    def _ident_len(s, i=0):
        """The length of the identifier starting at s[i]."""
        j = i
        while j < len(s) and (s[j].isalnum() or s[j] == "_"):
            j += 1
        return j - i

    def _parse(self, text):
        comments = []  # (offset, text) of each comment, in order
        code = []  # the text, each comment blanked (newlines kept)
        i = 0
        while True:
            a, b = text.find("/*", i), text.find("//", i)
            if a < 0 and b < 0:
                code.append(text[i:])
                break
            if a < 0 or 0 <= b < a:
                a, end = b, text.find("\n", b)
                end = len(text) if end < 0 else end
                body = text[a + 2:end]
            else:
                end = text.find("*/", a + 2)
                if end < 0:
                    raise ValueError("%s: unterminated comment"
                                     % self._where())
                body = text[a + 2:end]
                end += 2
            comments.append((a, " ".join(body.split())))
            code.append(text[i:a])
            code.append("\n".join(" " * len(line)
                                 for line in text[a:end].split("\n")))
            i = end
        code = "".join(code)

        # Object-like macros (function-like ones are skipped).
        lines = code.split("\n")
        i = 0
        while i < len(lines):
            line = lines[i].strip()
            while line.endswith("\\") and i + 1 < len(lines):
                i += 1
                line = line[:-1] + " " + lines[i].strip()
            i += 1
            if not line.startswith("#"):
                continue
            line = line[1:].lstrip()
            if not line.startswith("define") or line[6:7] not in " \t":
                continue
            line = line[6:].lstrip()
            n = self._ident_len(line)
            if n and line[n:n + 1] != "(":
                self._macros[line[:n]] = line[n:].strip()

        # Enums: "enum [tag] { ... }".
        i = 0
        while True:
            i = code.find("enum", i)
            if i < 0:
                break
            j = i + 4
            if (i and self._ident_len(code, i - 1)) or self._ident_len(
                    code, j):
                i = j  # part of a longer identifier
                continue
            while j < len(code) and code[j].isspace():
                j += 1
            n = self._ident_len(code, j)
            tag = code[j:j + n]
            j += n
            while j < len(code) and code[j].isspace():
                j += 1
            i = j
            if code[j:j + 1] != "{":
                continue  # a use, not a definition
            close = code.find("}", j)
            if close < 0:
                raise ValueError("%s: enum %s: no closing brace"
                                 % (self._where(), tag))
            tag = tag or "enum@%d" % (code.count("\n", 0, j) + 1)
            self._parse_enum(tag, code, j + 1, code[j + 1:close], comments)
            i = close

    def _parse_enum(self, tag, code, start, body, comments):
        members = {}
        ends = []  # (member, offset of the end of its name)
        nxt = 0
        pos = start
        for item in body.split(","):
            ipos, pos = pos, pos + len(item) + 1
            if not item.strip():
                continue
            name, eq, expr = item.partition("=")
            name = name.strip()
            if not name.isidentifier():
                raise ValueError("%s: enum %s: cannot parse %r"
                                 % (self._where(), tag, item.strip()))
            if eq:
                value = self._eval(expr, name)
                if any(c.isalpha() or c == "_" for c in
                       self._strip_numbers(expr)):
                    self.aliases.add(name)
            else:
                value = nxt
            members[name] = value
            self._members[name] = (tag, value)
            nxt = value + 1
            ends.append((name, ipos + item.index(name) + len(name)))
        # A member's comment: the first one after its name, on the same
        # line, before the next member's name.
        limits = [e for _, e in ends[1:]] + [start + len(body)]
        for (name, end), limit in zip(ends, limits):
            i = bisect.bisect_left(comments, (end, ""))
            if i < len(comments):
                off, text = comments[i]
                if off < limit and "\n" not in code[end:off]:
                    self._comments[name] = text
        self.enums[tag] = members

    @staticmethod
    def _strip_numbers(expr):
        """expr with its integer literals (and their suffixes) removed."""
        import re  # pylint: disable=import-outside-toplevel
        return re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b", "", expr)

    def _eval(self, expr, name, seen=()):
        """An integer or string constant expression, names resolved."""
        expr = expr.strip()
        bare = expr.replace("(", "").replace(")", "").replace(" ", "")
        if bare.lstrip("-").isdigit() and expr.count("(") == expr.count(")"):
            return int(bare)  # the common cases, without a regex
        if len(expr) > 1 and expr[0] == expr[-1] == '"' and \
           '"' not in expr[1:-1] and "\\" not in expr:
            return expr[1:-1]
        import re  # pylint: disable=import-outside-toplevel
        if re.match(r'(?:"(?:[^"\\]|\\.)*"\s*)+$', expr):
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"', expr)
            return "".join(p.encode().decode("unicode_escape")
                           for p in parts)
        py = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b",
                    lambda m: str(int(m.group(1), 0)), expr)
        py = py.replace("/", "//")

        def ident(m):
            if m.group(0) in seen:
                raise _CycleError("%s: %s is defined in terms of itself"
                                  % (self._where(), m.group(0)))
            v = self._lookup(m.group(0), seen + (name,))
            if not isinstance(v, int):
                raise ValueError(m.group(0))
            return "(%d)" % v

        import ast  # pylint: disable=import-outside-toplevel
        ops = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Add,
               ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.LShift,
               ast.RShift, ast.BitOr, ast.BitAnd, ast.BitXor, ast.Invert,
               ast.USub, ast.UAdd)
        try:
            py = re.sub(r"[A-Za-z_]\w*", ident, py)
            tree = ast.parse(py, mode="eval")
            for node in ast.walk(tree):
                if not isinstance(node, ops):
                    raise ValueError(type(node).__name__)
                if isinstance(node, ast.Constant) and \
                   not isinstance(node.value, int):
                    raise ValueError(node.value)
            return eval(compile(tree, self._where(), "eval"),
                        {"__builtins__": {}})
        except _CycleError:
            raise
        except UapiError as e:
            raise UapiError("%s: the value of %s (%r) is not a constant: "
                            "%s" % (self._where(), name, expr, e)) from None
        except (ValueError, SyntaxError, ZeroDivisionError):
            raise UapiError("%s: the value of %s (%r) is not a constant "
                            "this parser understands"
                            % (self._where(), name, expr)) from None

    def _lookup(self, name, seen=()):
        if name in self._members:
            return self._members[name][1]
        if name in self._cache:
            return self._cache[name]
        if name in self._macros:
            v = self._eval(self._macros[name], name, seen)
            self._cache[name] = v
            return v
        raise UapiError("%s is not defined in %s"
                        % (name, self.path or "the header"))

    # -- lookups

    def __getitem__(self, name):
        """The value of an enum member or constant macro; UapiError if the
        header has no such name."""
        return self._lookup(name)

    def __contains__(self, name):
        try:
            self._lookup(name)
            return True
        except UapiError:
            return False

    def values(self):
        """{name: value} of every enum member and constant macro."""
        out = {}
        for name in list(self._macros) + list(self._members):
            try:
                out[name] = self._lookup(name)
            except UapiError:
                pass  # a macro that is not a constant (type, call, ...)
        return out

    def enum_of(self, name):
        """The tag of the enum declaring name."""
        self._lookup(name)
        if name not in self._members:
            raise UapiError("%s: %s is a macro, not an enum member"
                            % (self._where(), name))
        return self._members[name][0]

    def names(self, prefix):
        """{member: value} of the enum members starting with prefix, in
        declaration order, without the UNSPEC and __*_MAX sentinels."""
        out = {n: v for tag, members in self.enums.items()
               for n, v in members.items() if n.startswith(prefix) and
               not n.endswith("_UNSPEC") and not n.startswith("__")}
        if not out:
            raise UapiError("%s: no enum member starts with %s"
                            % (self._where(), prefix))
        return out

    def name(self, value, prefix):
        """The member starting with prefix whose value is value."""
        for n, v in self.names(prefix).items():
            if v == value:
                return n
        raise UapiError("%s: no %s* member has the value %r"
                        % (self._where(), prefix, value))

    @property
    def family_name(self):
        return self["DRLB_GENL_NAME"]

    @property
    def family_version(self):
        return self["DRLB_GENL_VERSION"]

    def cmd(self, cmd):
        """A command's number: 13, "13", "GET_CONN" or "DRLB_CMD_GET_CONN"."""
        if isinstance(cmd, int):
            return cmd
        if str(cmd).isdigit():
            return int(cmd)
        name = cmd if cmd.startswith("DRLB_CMD_") else "DRLB_CMD_" + cmd
        return self[name]

    def cmd_name(self, value):
        return self.name(value, "DRLB_CMD_")

    def attr(self, name):
        """An attribute type's number; name may already be a number."""
        return name if isinstance(name, int) else self[name]

    def attr_kind(self, name):
        """(kind, nested prefix) from the attribute's comment in the header:
        kind one of ATTR_KINDS, or None if the comment names none; for
        "nested: DRLB_STATS_A_*" the prefix "DRLB_STATS_A_"."""
        self.enum_of(name)
        comment = self._comments.get(name, "")
        n = self._ident_len(comment)
        kind = comment[:n]
        if kind not in ATTR_KINDS:
            return None, None
        if kind != "nested":
            return kind, None
        rest = comment[n:].lstrip(": ")
        n = self._ident_len(rest)
        return kind, (rest[:n] if rest[n:n + 1] == "*" else None)


_header = None


def header():
    """The drlb uapi header, parsed once."""
    global _header
    if _header is None:
        _header = Header()
    return _header


# --------------------------------------------------------------------------
# Attributes


def nla(atype, payload, nested=False, hdr=None):
    """One attribute, padded; atype a number or a header name."""
    atype = (hdr or header()).attr(atype) if isinstance(atype, str) else atype
    if nested:
        atype |= NLA_F_NESTED
    n = NLATTR.size + len(payload)
    if n > 0xFFFF:
        raise ValueError("attribute %d: %d bytes is too long" % (atype, n))
    return NLATTR.pack(n, atype) + payload + b"\0" * (_align(n) - n)


def nla_int(atype, kind, value, hdr=None):
    return nla(atype, struct.pack(_INT_FMT[kind], value), hdr=hdr)


def nla_u8(atype, value, hdr=None):
    return nla_int(atype, "u8", value, hdr)


def nla_u16(atype, value, hdr=None):
    return nla_int(atype, "u16", value, hdr)


def nla_u32(atype, value, hdr=None):
    return nla_int(atype, "u32", value, hdr)


def nla_u64(atype, value, hdr=None):
    return nla_int(atype, "u64", value, hdr)


def nla_string(atype, value, hdr=None):
    """A NUL-terminated string."""
    if isinstance(value, str):
        value = value.encode()
    return nla(atype, value + b"\0", hdr=hdr)


def nla_binary(atype, value, hdr=None):
    return nla(atype, bytes(value), hdr=hdr)


def nla_flag(atype, hdr=None):
    return nla(atype, b"", hdr=hdr)


def nla_nest(atype, *attrs, hdr=None):
    """A nested attribute (NLA_F_NESTED set) holding the encoded attrs."""
    return nla(atype, b"".join(attrs), nested=True, hdr=hdr)


def _items(spec):
    return spec.items() if isinstance(spec, dict) else spec


def encode(spec, hdr=None):
    """Attributes from {name: value} (or [(name, value), ...] to repeat a
    name), each typed as the header's comment says: ints for u8..s64, str
    for string, bytes for binary (or a dotted IPv4 address), True for
    flag, a dict or list for nested. UapiError for an unknown name,
    ValueError for one whose type the header does not give."""
    hdr = hdr or header()
    out = b""
    for name, value in _items(spec):
        kind, _ = hdr.attr_kind(name)
        if kind is None:
            raise ValueError("%s: the header gives no type for %s; encode "
                             "it with nla_*()" % (hdr._where(), name))
        if kind == "nested":
            out += nla_nest(name, encode(value, hdr), hdr=hdr)
        elif kind == "string":
            out += nla_string(name, value, hdr=hdr)
        elif kind == "binary":
            if isinstance(value, str):
                value = socket.inet_aton(value)
            out += nla_binary(name, value, hdr=hdr)
        elif kind == "flag":
            if value:
                out += nla_flag(name, hdr=hdr)
        else:
            out += nla_int(name, kind, value, hdr=hdr)
    return out


class Attr:
    """One received attribute: type (flags masked off), nested (the
    NLA_F_NESTED flag), data (the payload)."""

    __slots__ = ("type", "nested", "data")

    def __init__(self, atype, data):
        self.type = atype & NLA_TYPE_MASK
        self.nested = bool(atype & NLA_F_NESTED)
        self.data = data

    def __repr__(self):
        return "Attr(%d, %r)" % (self.type, self.data)

    def _int(self, kind):
        fmt = _INT_FMT[kind]
        if len(self.data) < struct.calcsize(fmt):
            raise ValueError("attribute %d: %d bytes is too short for a %s"
                             % (self.type, len(self.data), kind))
        return struct.unpack_from(fmt, self.data)[0]

    def u8(self):
        return self._int("u8")

    def u16(self):
        return self._int("u16")

    def u32(self):
        return self._int("u32")

    def u64(self):
        return self._int("u64")

    def s32(self):
        return self._int("s32")

    def string(self):
        return self.data.split(b"\0", 1)[0].decode(errors="replace")

    def attrs(self):
        """The attributes nested in this one."""
        return parse_attrs(self.data)


class Attrs(list):
    """Attributes in order; get() by number or header name."""

    def get(self, atype, default=None, hdr=None):
        if isinstance(atype, str):
            atype = (hdr or header()).attr(atype)
        for a in self:
            if a.type == atype:
                return a
        return default

    def all(self, atype, hdr=None):
        if isinstance(atype, str):
            atype = (hdr or header()).attr(atype)
        return [a for a in self if a.type == atype]


def parse_attrs(buf):
    """Attrs from a buffer of attributes; ValueError if one is malformed."""
    out = Attrs()
    off = 0
    while off + NLATTR.size <= len(buf):
        n, atype = NLATTR.unpack_from(buf, off)
        if n < NLATTR.size or off + n > len(buf):
            raise ValueError("malformed attribute at offset %d (length %d "
                             "of %d)" % (off, n, len(buf) - off))
        out.append(Attr(atype, bytes(buf[off + NLATTR.size:off + n])))
        off += _align(n)
    return out


def decode(buf, prefix="DRLB_A_", hdr=None):
    """{name: value} of the attributes in buf, named from the header's
    prefix* members and typed by their comments (nested: a dict; bytes
    for binary or an unknown type; a name seen twice: a list). A type
    number the header does not know is kept as "?N"."""
    hdr = hdr or header()
    names = {v: n for n, v in hdr.names(prefix).items()}
    out = {}
    for a in buf if isinstance(buf, list) else parse_attrs(buf):
        name = names.get(a.type, "?%d" % a.type)
        kind, sub = hdr.attr_kind(name) if a.type in names else (None, None)
        if kind == "nested":
            value = decode(a.data, sub, hdr)
        elif kind in _INT_FMT:
            value = a._int(kind)
        elif kind == "string":
            value = a.string()
        elif kind == "flag":
            value = True
        else:
            value = a.data
        if name in out:
            if not isinstance(out[name], _Repeated):
                out[name] = _Repeated([out[name]])
            out[name].append(value)
        else:
            out[name] = value
    return out


class _Repeated(list):
    pass


# --------------------------------------------------------------------------
# Messages


class Message:
    """One netlink message: type, flags, seq, pid, payload (after the
    nlmsghdr). For a generic netlink message also cmd, version and attrs
    (Attrs); for NLMSG_ERROR and NLMSG_DONE, error (0 or -errno) and
    extack ({"msg", "offset", "miss_type", "miss_nest"} present ones)."""

    def __init__(self, mtype, flags, seq, pid, payload):
        self.type, self.flags, self.seq, self.pid = mtype, flags, seq, pid
        self.payload = payload
        self.error = None
        self.extack = {}
        if mtype in (NLMSG_ERROR, NLMSG_DONE):
            self._parse_error()

    def _parse_error(self):
        p = self.payload
        if len(p) < 4:
            # A DONE without a payload (very old kernels): success.
            self.error = 0
            return
        self.error = struct.unpack_from("=i", p)[0]
        if self.type == NLMSG_ERROR:
            # The request's header follows, and its payload unless capped.
            if len(p) < 4 + NLMSGHDR.size:
                return
            off = 4 + NLMSGHDR.size
            if not self.flags & NLM_F_CAPPED:
                off = 4 + _align(NLMSGHDR.unpack_from(p, 4)[0])
        else:
            off = 4
        if not self.flags & NLM_F_ACK_TLVS:
            return
        for a in parse_attrs(p[off:]):
            if a.type == NLMSGERR_ATTR_MSG:
                self.extack["msg"] = a.string()
            elif a.type == NLMSGERR_ATTR_OFFS:
                self.extack["offset"] = a.u32()
            elif a.type == NLMSGERR_ATTR_MISS_TYPE:
                self.extack["miss_type"] = a.u32()
            elif a.type == NLMSGERR_ATTR_MISS_NEST:
                self.extack["miss_nest"] = a.u32()

    @property
    def cmd(self):
        return GENLMSGHDR.unpack_from(self.payload)[0]

    @property
    def version(self):
        return GENLMSGHDR.unpack_from(self.payload)[1]

    @property
    def attrs(self):
        return parse_attrs(self.payload[GENLMSGHDR.size:])

    def decode(self, prefix="DRLB_A_", hdr=None):
        """The drlb attributes of a reply, by name (see decode())."""
        return decode(self.payload[GENLMSGHDR.size:], prefix, hdr)

    def __repr__(self):
        return "Message(type=%d, flags=%#x, seq=%d, %d bytes)" % (
            self.type, self.flags, self.seq, len(self.payload))


def parse_messages(buf):
    """The netlink messages in one datagram."""
    out = []
    off = 0
    while off + NLMSGHDR.size <= len(buf):
        n, mtype, flags, seq, pid = NLMSGHDR.unpack_from(buf, off)
        if n < NLMSGHDR.size or off + n > len(buf):
            raise ValueError("malformed netlink message at offset %d "
                             "(length %d of %d)" % (off, n, len(buf) - off))
        out.append(Message(mtype, flags, seq, pid,
                           bytes(buf[off + NLMSGHDR.size:off + n])))
        off += _align(n)
    return out


def genl_msg(family, cmd, attrs=b"", flags=NLM_F_REQUEST, seq=0, version=1):
    """A generic netlink request."""
    body = GENLMSGHDR.pack(cmd, version, 0) + attrs
    return NLMSGHDR.pack(NLMSGHDR.size + len(body), family, flags, seq,
                         0) + body


class NetlinkError(OSError):
    """The kernel refused a request: errno, and the extended ack's msg,
    offset, miss_type (None when absent)."""

    def __init__(self, err, extack=None, what=""):
        extack = extack or {}
        self.msg = extack.get("msg")
        self.offset = extack.get("offset")
        self.miss_type = extack.get("miss_type")
        text = os.strerror(err)
        if self.msg:
            text += " (%s)" % self.msg
        super().__init__(err, (what + ": " if what else "") + text)

    @property
    def name(self):
        """The errno's name, EPERM for instance."""
        return errno_mod.errorcode.get(self.errno, str(self.errno))


class Family:
    """A resolved generic netlink family: id, name, version, hdrsize,
    maxattr, ops ([(cmd, flags)] in the kernel's order; flags as
    CTRL_ATTR_OP_FLAGS)."""

    def __init__(self, msg):
        self.id = self.name = None
        self.version = self.hdrsize = self.maxattr = 0
        self.ops = []
        for a in msg.attrs:
            if a.type == CTRL_ATTR_FAMILY_ID:
                self.id = a.u16()
            elif a.type == CTRL_ATTR_FAMILY_NAME:
                self.name = a.string()
            elif a.type == CTRL_ATTR_VERSION:
                self.version = a.u32()
            elif a.type == CTRL_ATTR_HDRSIZE:
                self.hdrsize = a.u32()
            elif a.type == CTRL_ATTR_MAXATTR:
                self.maxattr = a.u32()
            elif a.type == CTRL_ATTR_OPS:
                for op in a.attrs():
                    d = op.attrs()
                    flags = d.get(CTRL_ATTR_OP_FLAGS)
                    self.ops.append((d.get(CTRL_ATTR_OP_ID).u32(),
                                     flags.u32() if flags else 0))
        if self.id is None:
            raise ValueError("nlctrl's reply has no family id")

    def op_flags(self, cmd):
        """The flags of an operation; None if the family has no such op."""
        return dict(self.ops).get(cmd)


class Genl:
    """A generic netlink socket, extended acks on.

    bufsize: the largest read (the kernel sizes each part of a dump to the
    largest read the socket has made, so a small one makes small parts);
    timeout: seconds a read may wait (None: forever); rcvbuf: SO_RCVBUF.
    """

    def __init__(self, bufsize=65536, timeout=None, rcvbuf=None, hdr=None):
        self.hdr = hdr or header()
        self.bufsize = bufsize
        self._family = None
        self._seq = os.getpid() & 0xFFFF
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        try:
            if timeout is not None:
                self.sock.settimeout(timeout)
            if rcvbuf is not None:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF,
                                     rcvbuf)
            self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
            self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
            self.sock.bind((0, 0))
        except BaseException:
            self.sock.close()
            raise

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, family, cmd, attrs=b"", flags=NLM_F_REQUEST, version=None):
        """Send one request; returns its sequence number."""
        self._seq = (self._seq + 1) & 0xFFFFFFFF
        if version is None:
            version = self.hdr.family_version if family != GENL_ID_CTRL \
                else 1
        self.sock.send(genl_msg(family, cmd, attrs, flags, self._seq,
                                version))
        return self._seq

    def recv(self):
        """The messages of one read (at most bufsize bytes)."""
        data, _, mflags, _ = self.sock.recvmsg(self.bufsize)
        if mflags & socket.MSG_TRUNC:
            raise OSError(errno_mod.EMSGSIZE, "netlink message longer than "
                          "the %d-byte read" % self.bufsize)
        return parse_messages(data)

    def transact(self, family, cmd, attrs=b"", flags=NLM_F_REQUEST,
                 what=""):
        """Send a request and read its answer: the reply messages, until
        the ack (NLM_F_ACK), NLMSG_DONE (NLM_F_DUMP) or the one reply.
        Messages of earlier requests are skipped. NetlinkError if it is
        refused (NLMSG_ERROR, or a DONE carrying an error)."""
        seq = self.send(family, cmd, attrs, flags)
        dump = (flags & NLM_F_DUMP) == NLM_F_DUMP
        replies = []
        while True:
            for m in self.recv():
                if m.seq != seq or m.type == NLMSG_NOOP:
                    continue
                if m.type == NLMSG_ERROR or (m.type == NLMSG_DONE and
                                             m.error):
                    if m.error:
                        raise NetlinkError(-m.error, m.extack, what)
                    return replies
                if m.type == NLMSG_DONE:
                    return replies  # a dump is never acked besides
                if m.type == NLMSG_OVERRUN:
                    raise OSError(errno_mod.ENOBUFS, "netlink overrun")
                replies.append(m)
                if not dump and not flags & NLM_F_ACK and \
                   not m.flags & NLM_F_MULTI:
                    return replies

    def resolve(self, name=None):
        """A Family from nlctrl (CTRL_CMD_GETFAMILY); NetlinkError
        (ENOENT) if no such family is registered."""
        name = name or self.hdr.family_name
        replies = self.transact(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                nla_string(CTRL_ATTR_FAMILY_NAME, name),
                                what="family " + name)
        if not replies:
            raise OSError(errno_mod.ENOENT, "family %s: no reply" % name)
        return Family(replies[0])

    def family(self, refresh=False):
        """The drlb family, resolved once (again with refresh=True)."""
        if self._family is None or refresh:
            self._family = self.resolve()
        return self._family

    def request(self, cmd, attrs=b"", dump=False, ack=True):
        """A drlb request: cmd a name ("GET_CONN", "DRLB_CMD_GET_CONN") or
        number; attrs encoded (bytes) or a spec for encode(). Returns the
        replies; NetlinkError if refused."""
        num = self.hdr.cmd(cmd)
        if not isinstance(attrs, (bytes, bytearray)):
            attrs = encode(attrs, self.hdr)
        flags = NLM_F_REQUEST | (NLM_F_ACK if ack else 0)
        if dump:
            flags |= NLM_F_DUMP
        return self.transact(self.family().id, num, attrs, flags,
                             what=str(cmd))


def main():
    if sys.argv[1:] == ["--selftest"]:
        sys.dont_write_bytecode = True
        sys.modules.setdefault("genl", sys.modules[__name__])
        import genl_selftest  # pylint: disable=import-outside-toplevel
        return genl_selftest.selftest()
    if sys.argv[1:2] == ["--names"] and len(sys.argv) <= 3:
        h = header()
        vals = h.values()
        if len(sys.argv) == 3:
            vals = {n: v for n, v in vals.items()
                    if n.startswith(sys.argv[2])}
        for n, v in vals.items():
            print(n, v)
        return 0 if vals else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
