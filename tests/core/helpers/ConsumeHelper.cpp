// A consumer process for fault tests: consumes one spec and reports on stdout, one line each:
//   READY <consumer> <pendingKey>
//   GOT <deliveryCount> <id-or-dash> <payload>
//   ACKED <done> <gone>        (after acking the first N messages, when asked to)
// The test kills it with SIGKILL at a moment of its choosing.
// Usage: rq_consume_helper <url> <spec> [ack-first-N]
#include "ConnectionSettings.h"
#include "Consumer.h"
#include "ConsumerSpec.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

using namespace rqc;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: rq_consume_helper <url> <spec> [ack-first-N]\n");
        return 2;
    }
    ConnectionSettings settings;
    ConsumerSpec spec;
    QString error;
    if (!ConnectionSettings::parse(args[1], &settings, &error) ||
        !ConsumerSpec::parse(args[2], &spec, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    const int ackFirst = args.size() > 3 ? args[3].toInt() : 0;

    Consumer consumer(settings, spec);
    MessageList toAck;
    bool ackSent = false;
    auto out = [](const QByteArray& line) {
        std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    };
    QObject::connect(
        &consumer, &Consumer::identityChosen, &app,
        [&](const QByteArray& name, const QByteArray& key) { out("READY " + name + ' ' + key); });
    QObject::connect(
        &consumer, &Consumer::messagesArrived, &app, [&](const MessageList& batch, quint64) {
            QByteArray lines;
            for (const Message& m : batch) {
                lines += "GOT " + QByteArray::number(m.deliveryCount) + ' ' +
                         (m.id.isEmpty() ? QByteArray("-") : m.id) + ' ' + m.payload + '\n';
                if (toAck.size() < ackFirst)
                    toAck.append(m);
            }
            std::fwrite(lines.constData(), 1, size_t(lines.size()), stdout);
            std::fflush(stdout);
            if (!ackSent && ackFirst > 0 && toAck.size() >= ackFirst) {
                ackSent = true;
                consumer.ack(toAck);
            }
        });
    QObject::connect(&consumer, &Consumer::settled, &app, [&](const SettleResult& r) {
        out("ACKED " + QByteArray::number(r.done.size()) + ' ' + QByteArray::number(r.gone.size()));
    });
    QObject::connect(&consumer, &Consumer::errorOccurred, &app,
                     [&](const QString& e) { std::fprintf(stderr, "error: %s\n", qPrintable(e)); });
    consumer.start();
    return app.exec();
}
