#include "StreamTailConsumer.h"

#include "RedisConnection.h"
#include "StreamGroupConsumer.h"

namespace rqc {

StreamTailConsumer::StreamTailConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                                       QObject* parent)
    : ConsumerWorker(settings, spec, parent)
{
    const QString from = spec.option(QStringLiteral("from"), QStringLiteral("$"));
    if (from != QLatin1String("$"))
        m_lastId = from.toUtf8();
    m_field = spec.option(QStringLiteral("field"), QStringLiteral("message")).toUtf8();
    m_count = spec.option(QStringLiteral("count"), QStringLiteral("1000")).toUtf8();
}

QString StreamTailConsumer::gapNote() const
{
    return tr("Entries added during the gap are read now, unless the stream was trimmed "
              "meanwhile.");
}

void StreamTailConsumer::onReady()
{
    if (!m_lastId.isEmpty()) {
        read();
        return;
    }
    // "$" resolved once to a concrete id, so that after a reconnect we continue where we were.
    connection()->send({"XREVRANGE", spec().target, "+", "-", "COUNT", "1"},
                       [this](const RedisReply& r) {
                           if (r.isError()) {
                               fail(QString::fromUtf8(r.str));
                               return;
                           }
                           m_lastId = r.elements.isEmpty() ? QByteArray("0-0")
                                                           : r.elements[0].elements.value(0).str;
                           read();
                       });
}

void StreamTailConsumer::read()
{
    if (!shouldContinue() || !roomFor([this] { read(); }))
        return;
    m_blocking = true;
    connection()->send({"XREAD", "COUNT", m_count, "BLOCK", settings().blockMillisArg(), "STREAMS",
                        spec().target, m_lastId},
                       [this](const RedisReply& r) {
                           m_blocking = false;
                           if (r.isError()) {
                               fail(QString::fromUtf8(r.str));
                               return;
                           }
                           if (r.isArray()) {
                               for (const RedisReply& s : r.elements) {
                                   for (const RedisReply& e : s.elements.value(1).elements) {
                                       Message m = StreamGroupConsumer::entryToMessage(
                                           e, spec().target, m_field);
                                       m_lastId = m.id;
                                       deliver(std::move(m));
                                   }
                               }
                           }
                           read();
                       });
}

} // namespace rqc
