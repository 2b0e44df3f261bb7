#pragma once

#include "ConsumerSpec.h"
#include "ServerMonitor.h"

#include <QCoreApplication>
#include <QString>

namespace rqc {

// What a pane may claim about its queue's depth (LLEN, XLEN, or a channel's subscribers): a
// figure read from the server, or unknown (–) with the reason — not read yet, the key holds
// another type (WRONGTYPE), or the server is unreachable since a given time. A figure from an
// older snapshot is never shown as current while the server is unreachable.
class DepthFact {
    Q_DECLARE_TR_FUNCTIONS(rqc::DepthFact)

public:
    qint64 value() const { return m_unreachableSinceMs || !m_wrongType.isEmpty() ? -1 : m_value; }
    qint64 readAtMs() const { return m_readAtMs; }
    // Empty while value() is a fact; otherwise why it is unknown.
    QString whyUnknown() const;

    // Another target: nothing is known about it.
    void reset();
    // A figure just read (a peek, the reply to LPUSH): the server answered.
    void setRead(qint64 depth, qint64 atMs);
    // Unknown for another reason (the peek's read failed).
    void setUnknown(const QString& why)
    {
        m_value = -1;
        m_why = why;
    }
    // The key is not of the pane's kind (why: a sentence starting "WRONGTYPE").
    void setWrongType(const QString& why);
    // The figure for spec in a monitor snapshot (a sign the server answered).
    void applySnapshot(const ConsumerSpec& spec, const ServerSnapshot& snapshot);
    // The pane's consumer failed with error: WRONGTYPE makes the depth unknown until the key is
    // seen as the right kind again.
    void consumerFailed(const ConsumerSpec& spec, const QString& error);
    void setUnreachable(qint64 sinceMs);
    void setReachable() { m_unreachableSinceMs = 0; }
    bool unreachable() const { return m_unreachableSinceMs != 0; }

    // The depth a pane on spec may show from snapshot (LLEN, XLEN, subscribers); -1 with *why
    // when the snapshot cannot tell (why may be null).
    static qint64 depthIn(const ConsumerSpec& spec, const ServerSnapshot& snapshot,
                          QString* why = nullptr);

private:
    qint64 m_value = -1;
    qint64 m_readAtMs = 0;
    QString m_wrongType;
    QString m_why; // for m_value -1 from a snapshot
    qint64 m_unreachableSinceMs = 0;
};

} // namespace rqc
