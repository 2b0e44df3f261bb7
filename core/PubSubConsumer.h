#pragma once

#include "ConsumerWorker.h"

namespace rqc {

struct RedisReply;

// SUBSCRIBE to a channel (mode PubSub) or PSUBSCRIBE to a pattern (mode Pattern). Every subscriber
// sees every message; nothing is kept for a subscriber that is not connected.
class PubSubConsumer : public ConsumerWorker {
    Q_OBJECT
public:
    PubSubConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                   QObject* parent = nullptr);

protected:
    void onReady() override;
    QString gapNote() const override;
    // Listening once the server has confirmed the subscription, not before.
    bool listeningWhenReady() const override { return false; }

private:
    void onPush(RedisReply& reply);
};

} // namespace rqc
