#include "LoadJob.h"

#include <charconv>

namespace rqc {

namespace {
void appendBulk(QByteArray& out, const char* data, qsizetype size)
{
    char head[24];
    head[0] = '$';
    char* end = std::to_chars(head + 1, head + sizeof head - 2, qint64(size)).ptr;
    *end++ = '\r';
    *end++ = '\n';
    out.append(head, end - head);
    out.append(data, size);
    out += "\r\n";
}
} // namespace

LoadJob::LoadJob(const QList<QByteArray>& argv, const LoadPacer::Limits& limits)
    : m_pacer(limits)
{
    m_header = '*' + QByteArray::number(argv.size()) + "\r\n";
    for (qsizetype i = 0; i < argv.size(); ++i) {
        Arg a;
        if (i >= 2 && MessageTemplate::looksTemplated(argv[i])) {
            a.tmpl = MessageTemplate::parse(argv[i]);
            if (!a.tmpl.isValid() && m_error.isEmpty())
                m_error = a.tmpl.error();
            a.constant = a.tmpl.isConstant();
            if (a.constant)
                appendBulk(a.encoded, a.tmpl.expand(1).constData(), a.tmpl.expand(1).size());
        } else {
            appendBulk(a.encoded, argv[i].constData(), argv[i].size());
        }
        m_args << a;
    }
}

int LoadJob::encode(QByteArray& out, int n, qsizetype maxBytes)
{
    const qsizetype start = out.size();
    int done = 0;
    while (done < n && (done == 0 || out.size() - start < maxBytes)) {
        ++m_seq;
        out += m_header;
        for (qsizetype i = 0; i < m_args.size(); ++i) {
            Arg& a = m_args[i];
            if (i == m_payloadArg) {
                const QByteArray& p = m_payloads.at(qsizetype(m_seq - 1));
                appendBulk(out, p.constData(), p.size());
                continue;
            }
            if (a.constant) {
                out += a.encoded;
                continue;
            }
            m_scratch.truncate(0); // keeps its capacity: no allocation per message
            a.tmpl.expandInto(m_scratch, m_seq);
            appendBulk(out, m_scratch.constData(), m_scratch.size());
        }
        if (++done == 1 && n > 1) {
            // Room for the whole batch at once (the first command's size times n, within
            // maxBytes and a command's slack), not regrown step by step while it fills.
            const qsizetype one = out.size() - start;
            out.reserve(start + qMin<qsizetype>(maxBytes + 2 * one, qsizetype(n) * one + 64));
        }
    }
    return done;
}

void LoadJob::setPayloads(QList<QByteArray> payloads, int argIndex)
{
    m_payloads = std::move(payloads);
    m_payloadArg = argIndex;
    LoadPacer::Limits limits = m_pacer.limits();
    const quint64 n = quint64(m_payloads.size());
    limits.count = limits.count > 0 ? qMin(limits.count, n) : n;
    if (n == 0)
        limits = {};
    m_error.clear(); // the list replaces the text, templates and all
    m_pacer = LoadPacer(limits);
}

void LoadJob::setSeed(quint64 seed)
{
    for (Arg& a : m_args)
        a.tmpl.setSeed(seed);
}

} // namespace rqc
