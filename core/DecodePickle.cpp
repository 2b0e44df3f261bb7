// Python pickles (protocols 0-5) disassembled like pickletools.dis, plus the structure the
// opcodes build, worked out symbolically: a GLOBAL is the text "module.name", REDUCE is shown as
// a call "module.name(args)". Nothing is imported, called or evaluated; the opcodes are only
// read. Stack and memo are checked as pickletools checks them.
#include "DecoderParts.h"
#include "PickleTree.h"

#include <QHash>

#include <climits>
#include <cstring>
#include <vector>

namespace rqc::PayloadDecoder::detail {

namespace {

class Disassembler {
public:
    Disassembler(const QByteArray& in, Writer& w, bool requireStopAtEnd, Failure* fail)
        : m_in(in)
        , m_w(w)
        , m_requireStop(requireStopAtEnd)
        , m_fail(fail)
    {
    }

    bool run()
    {
        const uchar* const begin = reinterpret_cast<const uchar*>(m_in.constData());
        const uchar* const end = begin + m_in.size();
        const uchar* p = begin;
        QString listing;
        int markDepth = 0;
        bool stopped = false;
        while (p < end) {
            const qint64 at = p - begin;
            const Op* op = findOp(*p);
            if (!op)
                return failAt(at, tr("unknown opcode 0x%1").arg(*p, 2, 16, QLatin1Char('0')));
            ++p;
            QString argText;
            qint64 num = 0;
            QByteArray bytes;
            if (!readArg(op->arg, p, end, begin, &argText, &num, &bytes))
                return false;
            if (!m_w.compact() && listing.size() < (1 << 20)) {
                const QString code = op->code >= 0x20 && op->code < 0x7f
                                         ? QString(QLatin1Char(char(op->code)))
                                         : QStringLiteral("\\x%1").arg(op->code, 2, 16);
                QString line = QStringLiteral("%1: %2 %3%4 %5")
                                   .arg(at, 5)
                                   .arg(code, -4)
                                   .arg(QString(qMin(markDepth, 40), QLatin1Char(' ')))
                                   .arg(QLatin1String(op->name), -16)
                                   .arg(argText);
                while (line.endsWith(QLatin1Char(' ')))
                    line.chop(1);
                listing += line + QLatin1Char('\n');
            }
            if (!step(*op, at, num, argText, bytes, &markDepth))
                return false;
            if (op->code == '.') {
                stopped = true;
                break;
            }
        }
        if (!stopped)
            return failAt(m_in.size(), tr("the pickle ends without STOP"), true);
        const qint64 after = end - p;
        if (after > 0 && m_requireStop)
            return failAt(p - begin, tr("%1 byte(s) after STOP").arg(after));
        m_tree.renderInto(m_result, m_w, 0);
        if (!m_w.compact()) {
            m_w.add(QLatin1String("\n\n"));
            m_w.add(listing);
            if (after > 0)
                m_w.add(tr("%1 byte(s) after STOP not read").arg(after));
        }
        return true;
    }

private:
    bool failAt(qint64 offset, const QString& reason, bool atEnd = false)
    {
        m_fail->offset = offset;
        m_fail->reason = reason;
        m_fail->atEnd = atEnd;
        return false;
    }

    bool readArg(Arg arg, const uchar*& p, const uchar* end, const uchar* begin, QString* text,
                 qint64* num, QByteArray* bytes)
    {
        auto need = [&](quint64 n) {
            if (quint64(end - p) >= n)
                return true;
            return failAt(p - begin,
                          tr("argument needs %1 byte(s), %2 left").arg(n).arg(qint64(end - p)),
                          true);
        };
        auto le = [&](int n) {
            quint64 v = 0;
            for (int i = n - 1; i >= 0; --i)
                v = (v << 8) | p[i];
            p += n;
            return v;
        };
        auto line = [&](QByteArray* out) {
            const uchar* nl = static_cast<const uchar*>(std::memchr(p, '\n', size_t(end - p)));
            if (!nl)
                return failAt(p - begin, tr("argument has no end of line"), true);
            *out = QByteArray(reinterpret_cast<const char*>(p), qsizetype(nl - p));
            p = nl + 1;
            return true;
        };
        switch (arg) {
        case Arg::None:
            return true;
        case Arg::U1:
        case Arg::U2:
        case Arg::U4:
        case Arg::U8: {
            const int n = arg == Arg::U1 ? 1 : arg == Arg::U2 ? 2 : arg == Arg::U4 ? 4 : 8;
            if (!need(n))
                return false;
            const quint64 v = le(n);
            *num = qint64(qMin<quint64>(v, quint64(LLONG_MAX)));
            *text = QString::number(v);
            return true;
        }
        case Arg::I4: {
            if (!need(4))
                return false;
            *num = qint32(quint32(le(4)));
            *text = QString::number(*num);
            return true;
        }
        case Arg::DecNl: {
            if (!line(bytes))
                return false;
            bool ok = false;
            *num = bytes->trimmed().toLongLong(&ok);
            *text = QString::fromLatin1(*bytes);
            return true;
        }
        case Arg::StrNl:
            if (!line(bytes))
                return false;
            *text = quoted(*bytes, 200);
            return true;
        case Arg::StrNlTwo: {
            QByteArray second;
            if (!line(bytes) || !line(&second))
                return false;
            *bytes += '.' + second;
            *text = QString::fromUtf8(*bytes).left(400);
            return true;
        }
        case Arg::Str1:
        case Arg::Str4:
        case Arg::Bytes4:
        case Arg::Bytes8: {
            const int n = arg == Arg::Str1 ? 1 : arg == Arg::Bytes8 ? 8 : 4;
            if (!need(n))
                return false;
            quint64 len = le(n);
            if (arg == Arg::Str4 && qint32(quint32(len)) < 0)
                return failAt(p - begin - 4, tr("negative length %1").arg(qint32(quint32(len))));
            if (!need(len))
                return false;
            *bytes = QByteArray(reinterpret_cast<const char*>(p), qsizetype(len));
            p += len;
            *text = quoted(*bytes, 200);
            return true;
        }
        case Arg::F8: {
            if (!need(8))
                return false;
            quint64 bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | p[i];
            p += 8;
            double d;
            std::memcpy(&d, &bits, 8);
            *text = QString::number(d, 'g', 17);
            return true;
        }
        case Arg::Long1:
        case Arg::Long4: {
            const int n = arg == Arg::Long1 ? 1 : 4;
            if (!need(n))
                return false;
            const quint64 rawLen = le(n);
            if (arg == Arg::Long4 && qint32(quint32(rawLen)) < 0)
                return failAt(p - begin - 4, tr("negative length %1").arg(qint32(quint32(rawLen))));
            if (!need(rawLen))
                return false;
            if (rawLen == 0) {
                *text = QStringLiteral("0");
            } else if (rawLen <= 8) {
                quint64 v = 0;
                for (int i = int(rawLen) - 1; i >= 0; --i)
                    v = (v << 8) | p[i];
                if (rawLen < 8 && (p[rawLen - 1] & 0x80))
                    v |= ~quint64(0) << (rawLen * 8);
                *text = QString::number(qint64(v));
            } else {
                *text = tr("<%1-byte integer>").arg(rawLen);
            }
            p += rawLen;
            return true;
        }
        }
        return true;
    }

    int add(Node::Type type, const QString& text = QString()) { return m_tree.add(type, text); }
    bool pop(qint64 at, int* out)
    {
        if (m_stack.empty() || m_nodes[size_t(m_stack.back())].type == Node::Mark)
            return failAt(at, m_stack.empty() ? tr("stack underflow")
                                              : tr("expected an object, found MARK"));
        *out = m_stack.back();
        m_stack.pop_back();
        return true;
    }
    // Everything above the topmost MARK, which is removed too.
    bool popMark(qint64 at, std::vector<int>* items, int* markDepth)
    {
        size_t i = m_stack.size();
        while (i > 0 && m_nodes[size_t(m_stack[i - 1])].type != Node::Mark)
            --i;
        if (i == 0)
            return failAt(at, tr("no MARK on the stack"));
        items->assign(m_stack.begin() + qsizetype(i), m_stack.end());
        m_stack.resize(i - 1);
        --*markDepth;
        return true;
    }
    bool top(qint64 at, int* out)
    {
        if (m_stack.empty() || m_nodes[size_t(m_stack.back())].type == Node::Mark)
            return failAt(at, tr("stack underflow"));
        *out = m_stack.back();
        return true;
    }

    bool step(const Op& op, qint64 at, qint64 num, const QString& argText, const QByteArray& bytes,
              int* markDepth)
    {
        int a = 0, b = 0, c = 0;
        std::vector<int> items;
        auto push = [this](int n) {
            m_stack.push_back(n);
            return true;
        };
        // Items go into a container of the right type or onto an object a call made (a list or
        // dict subclass); an int or string cannot take them.
        auto container = [&](Node::Type want, const char* what) {
            Node& target = m_nodes[size_t(m_stack.back())];
            if (target.type == Node::Call) {
                target.addedPairs = want == Node::Dict;
                return true;
            }
            if (target.type != want)
                return failAt(at, tr("%1 on something that is not a %2")
                                      .arg(QLatin1String(op.name), QLatin1String(what)));
            return true;
        };
        auto extend = [&](int node, const std::vector<int>& more) {
            Node& target = m_nodes[size_t(node)];
            auto& into = target.type == Node::Call ? target.added : target.kids;
            into.insert(into.end(), more.begin(), more.end());
        };
        switch (op.code) {
        case '(':
            ++*markDepth;
            return push(add(Node::Mark));
        case '.':
            if (!pop(at, &a))
                return false;
            if (!m_stack.empty())
                return failAt(at, tr("stack not empty after STOP (%1 left)").arg(m_stack.size()));
            m_result = a;
            return true;
        case '0':
            if (!m_stack.empty() && m_nodes[size_t(m_stack.back())].type == Node::Mark) {
                m_stack.pop_back();
                --*markDepth;
                return true;
            }
            return pop(at, &a);
        case '1':
            return popMark(at, &items, markDepth);
        case '2':
            return top(at, &a) && push(a);
        case 'F':
        case 'I':
        case 'L':
            return push(add(Node::Atom, QString::fromLatin1(bytes.trimmed()).left(200)));
        case 'J':
        case 'K':
        case 'M':
        case 'G':
        case 0x8a:
        case 0x8b:
            return push(add(Node::Atom, argText));
        case 'N':
            return push(add(Node::Atom, QStringLiteral("None")));
        case 0x88:
            return push(add(Node::Atom, QStringLiteral("True")));
        case 0x89:
            return push(add(Node::Atom, QStringLiteral("False")));
        case 'P':
            return push(add(Node::Atom, QStringLiteral("persistent(%1)").arg(argText)));
        case 'Q':
            if (!pop(at, &a))
                return false;
            c = add(Node::Call, QStringLiteral("persistent"));
            m_nodes[size_t(c)].kids.push_back(a);
            return push(c);
        case 'S':
        case 'V':
        case 'T':
        case 'U':
        case 'X':
        case 0x8c:
        case 0x8d:
            return push(add(Node::Atom, argText));
        case 'B':
        case 'C':
        case 0x8e:
            return push(add(Node::Atom, QLatin1Char('b') + argText));
        case 0x96:
            return push(add(Node::Atom, QStringLiteral("bytearray(b%1)").arg(argText)));
        case 0x97:
            return push(add(Node::Atom, QStringLiteral("<out-of-band buffer>")));
        case 0x98:
            return top(at, &a);
        case 'R':
        case 0x81:
            if (!pop(at, &b) || !pop(at, &a))
                return false;
            c = add(Node::Call, render(a));
            m_nodes[size_t(c)].kids.push_back(b);
            return push(c);
        case 0x92: {
            int kw = 0;
            if (!pop(at, &kw) || !pop(at, &b) || !pop(at, &a))
                return false;
            c = add(Node::Call, render(a));
            m_nodes[size_t(c)].kids = {b, kw};
            return push(c);
        }
        case 'a':
            if (!pop(at, &b) || !top(at, &a) || !container(Node::List, "list"))
                return false;
            extend(a, {b});
            return true;
        case 'e':
            if (!popMark(at, &items, markDepth) || !top(at, &a) || !container(Node::List, "list"))
                return false;
            extend(a, items);
            return true;
        case 'b':
            if (!pop(at, &b) || !top(at, &a))
                return false;
            m_nodes[size_t(a)].state = b;
            return true;
        case 'c':
            return push(add(Node::Atom, argText));
        case 0x93:
            if (!pop(at, &b) || !pop(at, &a))
                return false;
            return push(
                add(Node::Atom, unquote(render(a)) + QLatin1Char('.') + unquote(render(b))));
        case 'd':
        case 'l':
        case 't':
        case 0x91:
            if (!popMark(at, &items, markDepth))
                return false;
            if (op.code == 'd' && items.size() % 2)
                return failAt(at, tr("DICT with an odd number of items"));
            c = add(op.code == 'd'   ? Node::Dict
                    : op.code == 'l' ? Node::List
                    : op.code == 't' ? Node::Tuple
                                     : Node::FrozenSet);
            m_nodes[size_t(c)].kids = items;
            return push(c);
        case 'i':
        case 'o':
            if (!popMark(at, &items, markDepth))
                return false;
            if (op.code == 'o' && items.empty())
                return failAt(at, tr("OBJ without a class"));
            if (op.code == 'o') {
                c = add(Node::Call, render(items.front()));
                items.erase(items.begin());
            } else {
                c = add(Node::Call, argText);
            }
            b = add(Node::Tuple);
            m_nodes[size_t(b)].kids = items;
            m_nodes[size_t(c)].kids.push_back(b);
            return push(c);
        case '}':
            return push(add(Node::Dict));
        case ']':
            return push(add(Node::List));
        case ')':
            return push(add(Node::Tuple));
        case 0x8f:
            return push(add(Node::Set));
        case 's':
            if (!pop(at, &b) || !pop(at, &a) || !top(at, &c) || !container(Node::Dict, "dict"))
                return false;
            extend(c, {a, b});
            return true;
        case 'u':
        case 0x90:
            if (!popMark(at, &items, markDepth) || !top(at, &c))
                return false;
            if (op.code == 'u' && (!container(Node::Dict, "dict") || items.size() % 2))
                return items.size() % 2 ? failAt(at, tr("SETITEMS with an odd number of items"))
                                        : false;
            if (op.code == 0x90 && !container(Node::Set, "set"))
                return false;
            extend(c, items);
            return true;
        case 0x85:
        case 0x86:
        case 0x87: {
            const int n = op.code - 0x84;
            items.resize(size_t(n));
            for (int i = n - 1; i >= 0; --i) {
                if (!pop(at, &items[size_t(i)]))
                    return false;
            }
            c = add(Node::Tuple);
            m_nodes[size_t(c)].kids = items;
            return push(c);
        }
        case 'g':
        case 'h':
        case 'j': {
            const auto it = m_memo.constFind(num);
            if (it == m_memo.constEnd())
                return failAt(at, tr("memo has no entry %1").arg(num));
            return push(it.value());
        }
        case 'p':
        case 'q':
        case 'r':
            if (!top(at, &a))
                return false;
            m_memo.insert(num, a);
            return true;
        case 0x94:
            if (!top(at, &a))
                return false;
            m_memo.insert(m_memo.size(), a);
            return true;
        case 0x80:
            if (num > 5)
                return failAt(at, tr("unknown pickle protocol %1").arg(num));
            return true;
        case 0x82:
        case 0x83:
        case 0x84:
            return push(add(Node::Atom, QStringLiteral("<extension %1>").arg(num)));
        case 0x95:
            return true;
        default:
            return failAt(at, tr("opcode %1 not handled").arg(QLatin1String(op.name)));
        }
    }

    static QString unquote(const QString& s)
    {
        if (s.size() >= 2 && s.startsWith(QLatin1Char('"')) && s.endsWith(QLatin1Char('"')))
            return s.mid(1, s.size() - 2);
        return s;
    }

    QString render(int node) { return m_tree.render(node); }

    const QByteArray& m_in;
    Writer& m_w;
    bool m_requireStop;
    Failure* m_fail;
    PickleTree m_tree;
    std::vector<Node>& m_nodes = m_tree.nodes;
    std::vector<int> m_stack;
    QHash<qint64, int> m_memo;
    int m_result = -1;
};

} // namespace

bool renderPickle(const QByteArray& in, Writer& w, bool requireStopAtEnd, Failure* fail)
{
    if (in.isEmpty()) {
        fail->offset = 0;
        fail->reason = tr("the payload is empty");
        fail->atEnd = true;
        return false;
    }
    return Disassembler(in, w, requireStopAtEnd, fail).run();
}

} // namespace rqc::PayloadDecoder::detail
