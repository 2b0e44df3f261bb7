#pragma once

#include "LoadPacer.h"
#include "MessageTemplate.h"

#include <QByteArray>
#include <QList>

#include <vector>

namespace rqc {

// Where a load run's messages come from when not from the entry box's text: a list of payloads
// (a file's lines, a recording), optionally with a replay schedule (ns after the start).
struct LoadSource {
    bool fromList = false;
    QList<QByteArray> payloads;
    std::vector<qint64> scheduleNs;
};

// The commands of a load run (or of a burst whose text has placeholders): every argument of the
// command is a template, expanded per message, and encoded straight into the batch (RESP), with
// no argv list per message. Lives on the publisher's thread once queued.
class LoadJob {
public:
    // argv: the command as PublisherWorker::plan() builds it; arguments from the third on (the
    // payload, stream fields) are templates. An invalid one leaves error() set.
    LoadJob(const QList<QByteArray>& argv, const LoadPacer::Limits& limits);

    // Messages from a list instead (a file's lines, a recording's payloads): the argument at
    // argIndex is payloads[i] for message i, sent as it is (no placeholders); the count is the
    // list's length unless the limits say fewer.
    void setPayloads(QList<QByteArray> payloads, int argIndex);
    QString error() const { return m_error; }
    bool isValid() const { return m_error.isEmpty(); }
    LoadPacer& pacer() { return m_pacer; }
    // Appends up to n commands to out, stopping early past maxBytes; returns how many.
    int encode(QByteArray& out, int n, qsizetype maxBytes);
    quint64 encoded() const { return m_seq; }
    // Test hook: every template's seed and clock.
    void setSeed(quint64 seed);

private:
    struct Arg {
        QByteArray encoded; // a constant argument, already as a RESP bulk string
        MessageTemplate tmpl;
        bool constant = true;
    };
    QList<Arg> m_args;
    QByteArray m_header; // *<argc>\r\n
    QByteArray m_scratch;
    LoadPacer m_pacer;
    QList<QByteArray> m_payloads;
    int m_payloadArg = -1;
    quint64 m_seq = 0;
    QString m_error;
};

} // namespace rqc
