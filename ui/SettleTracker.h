#pragma once

#include "AckingConsumer.h"
#include "MessageModel.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace rqc {

class Consumer;

// Ties a precise-mode consumer (reliable list, stream group) to the pane's MessageModel: the
// state new rows start in (pending for ack=manual), settle requests for selected rows, and the
// rows' states once Redis answered (acked, requeued, dead-lettered, or gone when the message was
// no longer pending). Keeps the consumer's true counters for the status line.
class SettleTracker : public QObject {
    Q_OBJECT
public:
    explicit SettleTracker(MessageModel* model, QObject* parent = nullptr);

    // The pane's current consumer (null: none). Rows the previous one left pending are released:
    // they stay pending in Redis and come again as new rows.
    void setConsumer(Consumer* consumer);
    Consumer* consumer() const;
    // The state rows delivered by `from` start in (from may be a consumer being retired).
    MessageModel::RowState arrivalState(const Consumer* from) const;
    bool isPrecise() const;
    bool hasCounters() const { return m_haveCounters; }
    const ConsumerCounters& counters() const { return m_counters; }
    const QByteArray& consumerName() const { return m_name; }
    const QByteArray& pendingKey() const { return m_pendingKey; }

    // How many of these model rows are pending.
    int pendingAmong(const QList<int>& rows) const;
    // Asks the consumer to settle the pending messages among rows; returns how many it asked for.
    int settle(SettleAction action, const QList<int>& rows);
    static MessageModel::RowState stateAfter(SettleAction action);

signals:
    void countersChanged();
    void identityChanged();
    void settled(const rqc::SettleResult& result);
    void errorOccurred(const QString& error);
    void noticeReported(const QString& text);

private:
    void onSettled(const SettleResult& result);

    MessageModel* m_model = nullptr;
    QPointer<Consumer> m_consumer;
    QHash<qint64, SettleAction> m_open;
    ConsumerCounters m_counters;
    bool m_haveCounters = false;
    QByteArray m_name;
    QByteArray m_pendingKey;
};

} // namespace rqc
