#include "PickleTree.h"

namespace rqc::PayloadDecoder::detail {

namespace {

constexpr Op kOps[] = {
    {'(', "MARK", Arg::None},
    {'.', "STOP", Arg::None},
    {'0', "POP", Arg::None},
    {'1', "POP_MARK", Arg::None},
    {'2', "DUP", Arg::None},
    {'F', "FLOAT", Arg::DecNl},
    {'I', "INT", Arg::DecNl},
    {'J', "BININT", Arg::I4},
    {'K', "BININT1", Arg::U1},
    {'L', "LONG", Arg::DecNl},
    {'M', "BININT2", Arg::U2},
    {'N', "NONE", Arg::None},
    {'P', "PERSID", Arg::StrNl},
    {'Q', "BINPERSID", Arg::None},
    {'R', "REDUCE", Arg::None},
    {'S', "STRING", Arg::StrNl},
    {'T', "BINSTRING", Arg::Str4},
    {'U', "SHORT_BINSTRING", Arg::Str1},
    {'V', "UNICODE", Arg::StrNl},
    {'X', "BINUNICODE", Arg::Bytes4},
    {'a', "APPEND", Arg::None},
    {'b', "BUILD", Arg::None},
    {'c', "GLOBAL", Arg::StrNlTwo},
    {'d', "DICT", Arg::None},
    {'}', "EMPTY_DICT", Arg::None},
    {'e', "APPENDS", Arg::None},
    {'g', "GET", Arg::DecNl},
    {'h', "BINGET", Arg::U1},
    {'i', "INST", Arg::StrNlTwo},
    {'j', "LONG_BINGET", Arg::U4},
    {'l', "LIST", Arg::None},
    {']', "EMPTY_LIST", Arg::None},
    {'o', "OBJ", Arg::None},
    {'p', "PUT", Arg::DecNl},
    {'q', "BINPUT", Arg::U1},
    {'r', "LONG_BINPUT", Arg::U4},
    {'s', "SETITEM", Arg::None},
    {'t', "TUPLE", Arg::None},
    {')', "EMPTY_TUPLE", Arg::None},
    {'u', "SETITEMS", Arg::None},
    {'G', "BINFLOAT", Arg::F8},
    {0x80, "PROTO", Arg::U1},
    {0x81, "NEWOBJ", Arg::None},
    {0x82, "EXT1", Arg::U1},
    {0x83, "EXT2", Arg::U2},
    {0x84, "EXT4", Arg::I4},
    {0x85, "TUPLE1", Arg::None},
    {0x86, "TUPLE2", Arg::None},
    {0x87, "TUPLE3", Arg::None},
    {0x88, "NEWTRUE", Arg::None},
    {0x89, "NEWFALSE", Arg::None},
    {0x8a, "LONG1", Arg::Long1},
    {0x8b, "LONG4", Arg::Long4},
    {'B', "BINBYTES", Arg::Bytes4},
    {'C', "SHORT_BINBYTES", Arg::Str1},
    {0x8c, "SHORT_BINUNICODE", Arg::Str1},
    {0x8d, "BINUNICODE8", Arg::Bytes8},
    {0x8e, "BINBYTES8", Arg::Bytes8},
    {0x8f, "EMPTY_SET", Arg::None},
    {0x90, "ADDITEMS", Arg::None},
    {0x91, "FROZENSET", Arg::None},
    {0x92, "NEWOBJ_EX", Arg::None},
    {0x93, "STACK_GLOBAL", Arg::None},
    {0x94, "MEMOIZE", Arg::None},
    {0x95, "FRAME", Arg::U8},
    {0x96, "BYTEARRAY8", Arg::Bytes8},
    {0x97, "NEXT_BUFFER", Arg::None},
    {0x98, "READONLY_BUFFER", Arg::None},
};

} // namespace

const Op* findOp(uchar code)
{
    for (const Op& op : kOps) {
        if (op.code == code)
            return &op;
    }
    return nullptr;
}

int PickleTree::add(Node::Type type, const QString& text)
{
    Node n;
    n.type = type;
    n.text = text;
    nodes.push_back(std::move(n));
    return int(nodes.size()) - 1;
}

QString PickleTree::render(int node)
{
    Options o;
    o.compact = true;
    o.maxChars = 2000;
    Writer w(o);
    renderInto(node, w, 0);
    return w.take();
}

void PickleTree::renderInto(int node, Writer& w, int depth)
{
    if (w.full())
        return;
    if (node < 0 || depth > 32) {
        w.add(QLatin1String("..."));
        return;
    }
    const Node& n = nodes[size_t(node)];
    auto items = [&](const std::vector<int>& kids, const char* open, const char* close, int step) {
        w.add(QLatin1String(open));
        for (size_t i = 0; i < kids.size() && !w.full(); i += size_t(step)) {
            if (i > 0)
                w.add(QLatin1String(", "));
            renderInto(kids[i], w, depth + 1);
            if (step == 2 && i + 1 < kids.size()) {
                w.add(QLatin1String(": "));
                renderInto(kids[i + 1], w, depth + 1);
            }
        }
        if (n.type == Node::Tuple && kids.size() == 1)
            w.add(',');
        w.add(QLatin1String(close));
    };
    auto list = [&](const char* open, const char* close, int step) {
        items(n.kids, open, close, step);
    };
    switch (n.type) {
    case Node::Atom:
    case Node::Mark:
        w.add(n.text);
        break;
    case Node::List:
        list("[", "]", 1);
        break;
    case Node::Tuple:
        list("(", ")", 1);
        break;
    case Node::Dict:
        list("{", "}", 2);
        break;
    case Node::Set:
        if (n.kids.empty())
            w.add(QLatin1String("set()"));
        else
            list("{", "}", 1);
        break;
    case Node::FrozenSet:
        list("frozenset({", "})", 1);
        break;
    case Node::Call:
        w.add(n.text);
        for (size_t i = 0; i < n.kids.size(); ++i) {
            const bool tuple = nodes[size_t(n.kids[i])].type == Node::Tuple;
            w.add(QLatin1String(i > 0 ? "(**" : tuple ? "" : "("));
            renderInto(n.kids[i], w, depth + 1);
            if (i > 0 || !tuple)
                w.add(')');
        }
        if (!n.added.empty()) {
            w.add(QLatin1String(" + "));
            if (n.addedPairs)
                items(n.added, "{", "}", 2);
            else
                items(n.added, "[", "]", 1);
        }
        break;
    }
    if (n.state >= 0) {
        w.add(QLatin1String(" with state "));
        renderInto(n.state, w, depth + 1);
    }
}

} // namespace rqc::PayloadDecoder::detail
