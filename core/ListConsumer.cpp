#include "ListConsumer.h"

#include "RedisConnection.h"

namespace rqc {

ListConsumer::ListConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                           QObject* parent)
    : ConsumerWorker(settings, spec, parent)
{
    const bool lifo = spec.option(QStringLiteral("direction")) == QLatin1String("lifo");
    m_blockCmd = lifo ? "BLPOP" : "BRPOP";
    m_popCmd = lifo ? "LPOP" : "RPOP";
    bool ok = false;
    const int n = spec.option(QStringLiteral("batch")).toInt(&ok);
    if (ok && n > 0)
        m_batchSize = n;
    m_batch = QByteArray::number(m_batchSize);
}

void ListConsumer::onReady() { blockingPop(); }

void ListConsumer::take(const QByteArray& payload)
{
    Message m;
    m.payload = payload;
    m.source = spec().target;
    deliver(std::move(m));
}

void ListConsumer::blockingPop()
{
    if (!shouldContinue() || !roomFor([this] { blockingPop(); }))
        return;
    m_blocking = true;
    // A bounded wait (so that a silent network is noticed, see ConnectionSettings::healthMs),
    // issued again on nil; stop() releases us earlier with CLIENT UNBLOCK.
    connection()->send({m_blockCmd, spec().target, settings().blockSecondsArg()},
                       [this](const RedisReply& r) {
                           m_blocking = false;
                           if (r.isError()) {
                               fail(QString::fromUtf8(r.str));
                               return;
                           }
                           if (r.isArray() && r.elements.size() == 2) {
                               take(r.elements[1].str);
                               drain();
                               return;
                           }
                           blockingPop(); // nil: unblocked (stop) or timed out
                       });
}

void ListConsumer::drain()
{
    if (!shouldContinue() || !roomFor([this] { drain(); }))
        return;
    connection()->send({m_popCmd, spec().target, m_batch}, [this](const RedisReply& r) {
        if (r.isError()) {
            fail(QString::fromUtf8(r.str));
            return;
        }
        if (r.isArray()) {
            for (const RedisReply& e : r.elements)
                take(e.str);
            if (r.elements.size() >= m_batchSize) {
                drain(); // more may be waiting
                return;
            }
        }
        blockingPop();
    });
}

} // namespace rqc
