#pragma once

#include "ConsumerWorker.h"

namespace rqc {

// The classic list consumer: BRPOP (FIFO with LPUSH) or BLPOP (direction=lifo). After a blocking
// pop wakes, it takes what else is waiting in one round trip (RPOP key count) before blocking
// again. At most once: a message popped by a consumer that dies before processing it is gone.
class ListConsumer : public ConsumerWorker {
    Q_OBJECT
public:
    ListConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                 QObject* parent = nullptr);

protected:
    void onReady() override;
    bool blockingInFlight() const override { return m_blocking; }
    void onConnectionLost() override { m_blocking = false; }

private:
    void blockingPop();
    void drain();
    void take(const QByteArray& payload);

    QByteArray m_blockCmd; // BRPOP or BLPOP
    QByteArray m_popCmd;   // RPOP or LPOP
    QByteArray m_batch;    // count for the draining pop
    int m_batchSize = 1000;
    bool m_blocking = false;
};

} // namespace rqc
