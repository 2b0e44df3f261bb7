#pragma once

// Internals of the pickle decoder (DecodePickle.cpp): the opcode table and the structure the
// opcodes build, with its rendering as Python-like text. Nothing here runs anything.
#include "DecoderParts.h"

#include <QString>

#include <vector>

namespace rqc::PayloadDecoder::detail {

enum class Arg {
    None,
    U1,
    U2,
    I4,
    U4,
    U8,
    DecNl,    // decimal up to a newline (INT, LONG, FLOAT, GET, PUT)
    StrNl,    // a repr'd string up to a newline (STRING), or raw-unicode (UNICODE), PERSID
    StrNlTwo, // two newline-ended words (GLOBAL, INST)
    Str1,     // 1-byte length, then bytes
    Str4,     // 4-byte signed length (BINSTRING)
    Bytes4,   // 4-byte unsigned length
    Bytes8,   // 8-byte length
    F8,       // big-endian double
    Long1,
    Long4
};

struct Op {
    uchar code;
    const char* name;
    Arg arg;
};

// The opcode `code` stands for, or null.
const Op* findOp(uchar code);

// What the opcodes build, by index into an arena (no owning pointers: a list may hold itself).
struct Node {
    enum Type { Atom, List, Dict, Tuple, Set, FrozenSet, Call, Mark } type = Atom;
    QString text;           // Atom: the value's repr; Call: the callable
    std::vector<int> kids;  // List/Tuple/Set: items; Dict: key, value, key, value…; Call: args
    int state = -1;         // BUILD's state
    std::vector<int> added; // Call: items appended or set on the object it made (a subclass)
    bool addedPairs = false;
};

// The nodes of one pickle, by index, and their rendering.
struct PickleTree {
    std::vector<Node> nodes;

    int add(Node::Type type, const QString& text = QString());
    // The node as Python-like text, bounded in depth and length (a memo may share or nest).
    QString render(int node);
    void renderInto(int node, Writer& w, int depth);
};

} // namespace rqc::PayloadDecoder::detail
