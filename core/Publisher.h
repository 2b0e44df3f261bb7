#pragma once

#include "ConnectionSettings.h"

#include <QObject>
#include <QPointer>

class QThread;

namespace rqc {

class RedisConnection;

// Sends messages to one target on its own connection and thread: PUBLISH to a channel or LPUSH to
// a list. A burst (count > 1) is pipelined in batches; progress and totals are reported back.
class PublisherWorker : public QObject {
    Q_OBJECT
public:
    enum class Command { Publish, LPush };
    Q_ENUM(Command)

    PublisherWorker(const ConnectionSettings& settings, QObject* parent = nullptr);
    ~PublisherWorker() override;

    // Invoked on the worker's thread (queued from Publisher).
    void start();
    void send(rqc::PublisherWorker::Command command, const QByteArray& target,
              const QByteArray& payload, int count);
    void stop();

signals:
    void ready();
    // One request (a send() call) is complete: sent messages and, for PUBLISH, the sum of
    // receivers Redis reported (0 when nobody listened). For LPUSH, receivers is the list length
    // after the last push.
    void sent(qint64 requestId, quint64 count, qint64 receivers);
    // Cumulative progress of the current burst, at most ~30 times a second.
    void progress(quint64 sentSoFar, quint64 total);
    void errorOccurred(const QString& error);
    void stopped();
};

// The main thread's handle: owns the thread and the worker, queues sends.
class Publisher : public QObject {
    Q_OBJECT
public:
    explicit Publisher(const ConnectionSettings& settings, QObject* parent = nullptr);
    ~Publisher() override; // stops and waits

    void start();
    // Queues a send; returns its request id (echoed in sent()). count >= 1.
    qint64 send(PublisherWorker::Command command, const QByteArray& target,
                const QByteArray& payload, int count = 1);
    bool stopAndWait(int timeoutMs = 3000);

signals:
    void ready();
    void sent(qint64 requestId, quint64 count, qint64 receivers);
    void progress(quint64 sentSoFar, quint64 total);
    void errorOccurred(const QString& error);
};

} // namespace rqc
