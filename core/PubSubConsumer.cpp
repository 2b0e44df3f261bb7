#include "PubSubConsumer.h"

#include "RedisConnection.h"

#include <QCoreApplication>

namespace rqc {

PubSubConsumer::PubSubConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                               QObject* parent)
    : ConsumerWorker(settings, spec, parent)
{
}

QString PubSubConsumer::gapNote() const
{
    return QCoreApplication::translate(
        "rqc::PubSubConsumer",
        "Messages published while disconnected are gone: pub/sub keeps nothing for absent "
        "subscribers.");
}

void PubSubConsumer::onReady()
{
    connection()->setPushHandler([this](RedisReply& r) { onPush(r); });
    const QByteArray cmd = spec().mode == Mode::Pattern ? "PSUBSCRIBE" : "SUBSCRIBE";
    connection()->sendNoReply({cmd, spec().target});
}

void PubSubConsumer::onPush(RedisReply& r)
{
    if (r.isError()) {
        fail(QString::fromUtf8(r.str));
        return;
    }
    if (!r.isArray() || r.elements.size() < 3)
        return;
    const QByteArray& kind = r.elements[0].str;
    Message m;
    if (kind == "message") {
        m.source = std::move(r.elements[1].str);
        m.payload = std::move(r.elements[2].str);
    } else if (kind == "pmessage" && r.elements.size() >= 4) {
        m.pattern = std::move(r.elements[1].str);
        m.source = std::move(r.elements[2].str);
        m.payload = std::move(r.elements[3].str);
    } else {
        if (kind == "subscribe" || kind == "psubscribe")
            markListening();
        return;
    }
    deliver(std::move(m));
}

} // namespace rqc
