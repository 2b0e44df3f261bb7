// rqc-bench: runs one benchmark scenario of issue 4 against a redis-server and prints its figures
// as one JSON line on stdout (progress and warnings go to stderr). scripts/bench.sh runs every
// scenario and its reference, and writes the table and build/bench/results.json.
//
//   rqc-bench --url redis://127.0.0.1:PORT --scenario drain-list --messages 100000
//
// Without --url it starts its own private redis-server (SandboxServer). Exit status: 0 when the
// counts are right, 2 when a message was lost or duplicated (or a subscriber dropped), 1 when the
// scenario could not run.
#include "Consumer.h"
#include "SandboxServer.h"
#include "Scenarios.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonDocument>

#include <cstdio>
#include <memory>

using namespace rqc;
using namespace rqc::bench;

namespace {

using Runner = bool (*)(const Options&, Result*);
struct Entry {
    const char* name;
    Runner run;
};
constexpr Entry kScenarios[] = {
    {"publish-list", runPublishList},
    {"publish-pubsub", runPublishPubSub},
    {"publish-template", runPublishTemplate},
    {"drain-list", runDrainList},
    {"pubsub-receive", runPubSubReceive},
    {"drain-reliable", runDrainReliable},
    {"drain-stream", runDrainStream},
    {"window-flood", runWindowFlood},
    {"latency", runLatency},
    {"peek-10m", runPeek10m},
    {"observe", runObserve},
    {"panes-30", runPanes30},
    {"filter-flood", runFilterFlood},
    {"decoders", runDecoders},
    {"idle-cost", runIdleCost},
    {"discovery", runDiscovery},
    {"idle-cost-cluster", runIdleCostCluster},
    {"idle-pubsub", runIdlePubSub},
    {"charts", runCharts},
    {"fill-list", runFillList},
};

} // namespace

namespace rqc::bench {

QStringList scenarioNames()
{
    QStringList names;
    for (const Entry& e : kScenarios)
        names << QString::fromLatin1(e.name);
    return names;
}

bool needsGui(const QString& scenario)
{
    return scenario == QLatin1String("window-flood") || scenario == QLatin1String("latency") ||
           scenario == QLatin1String("peek-10m") || scenario == QLatin1String("panes-30") ||
           scenario == QLatin1String("filter-flood") || scenario == QLatin1String("decoders");
    scenario == QLatin1String("peek-10m") || scenario == QLatin1String("discovery");
}

} // namespace rqc::bench

int main(int argc, char** argv)
{
    QString scenario;
    for (int i = 1; i + 1 < argc; ++i) {
        if (qstrcmp(argv[i], "--scenario") == 0)
            scenario = QString::fromLocal8Bit(argv[i + 1]);
    }
    std::unique_ptr<QCoreApplication> app;
    if (needsGui(scenario)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("rqc-bench"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("rqconsole benchmarks (issue 4)"));
    parser.addHelpOption();
    const QCommandLineOption urlOpt(QStringLiteral("url"),
                                    QStringLiteral("Server URL (default: a private redis-server)."),
                                    QStringLiteral("url"));
    const QCommandLineOption scenarioOpt(
        QStringLiteral("scenario"),
        QStringLiteral("One of: %1.").arg(scenarioNames().join(QStringLiteral(", "))),
        QStringLiteral("name"));
    const QCommandLineOption messagesOpt(QStringLiteral("messages"),
                                         QStringLiteral("N messages (default 1000000)."),
                                         QStringLiteral("n"), QStringLiteral("1000000"));
    const QCommandLineOption sizeOpt(QStringLiteral("size"),
                                     QStringLiteral("Payload bytes (default 64)."),
                                     QStringLiteral("bytes"), QStringLiteral("64"));
    const QCommandLineOption keyOpt(QStringLiteral("key"),
                                    QStringLiteral("List, channel or stream name."),
                                    QStringLiteral("key"));
    const QCommandLineOption latMsgOpt(QStringLiteral("latency-messages"),
                                       QStringLiteral("Messages in the latency run (10000)."),
                                       QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption latRateOpt(QStringLiteral("latency-rate"),
                                        QStringLiteral("Messages per second (1000)."),
                                        QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption specOpt(
        QStringLiteral("option"),
        QStringLiteral("Extra key=value for the consumer's spec, e.g. batch=5000 (repeatable)."),
        QStringLiteral("key=value"));
    const QCommandLineOption windowOpt(
        QStringLiteral("window"),
        QStringLiteral("idle-cost(-cluster), idle-pubsub, charts: seconds of each measuring window "
                       "(default 60)."),
        QStringLiteral("s"), QStringLiteral("60"));
    const QCommandLineOption versionsOpt(QStringLiteral("qt-version"),
                                         QStringLiteral("Print the Qt version and exit."));
    parser.addOptions({urlOpt, scenarioOpt, messagesOpt, sizeOpt, keyOpt, latMsgOpt, latRateOpt,
                       specOpt, windowOpt, versionsOpt});
    parser.process(*app);

    if (parser.isSet(versionsOpt)) {
        std::printf("%s\n", qVersion());
        return 0;
    }
    Options o;
    o.scenario = parser.value(scenarioOpt);
    o.messages = parser.value(messagesOpt).toULongLong();
    o.size = parser.value(sizeOpt).toInt();
    o.key = parser.value(keyOpt).toUtf8();
    o.latencyMessages = parser.value(latMsgOpt).toInt();
    o.latencyRate = parser.value(latRateOpt).toInt();
    o.specOptions = parser.values(specOpt);
    o.windowMs = qMax(1, parser.value(windowOpt).toInt()) * 1000;
    if (o.messages == 0 || o.size < kSeqPrefixSize) {
        std::fprintf(stderr, "rqc-bench: --messages must be > 0 and --size >= %d\n",
                     kSeqPrefixSize);
        return 1;
    }

    Runner run = nullptr;
    for (const Entry& e : kScenarios) {
        if (o.scenario == QLatin1String(e.name))
            run = e.run;
    }
    if (!run) {
        std::fprintf(stderr, "rqc-bench: unknown scenario '%s' (one of: %s)\n",
                     qPrintable(o.scenario),
                     qPrintable(scenarioNames().join(QStringLiteral(", "))));
        return 1;
    }

    Consumer::registerMetaTypes();
    SandboxServer server;
    if (parser.isSet(urlOpt)) {
        QString error;
        if (!ConnectionSettings::parse(parser.value(urlOpt), &o.settings, &error)) {
            std::fprintf(stderr, "rqc-bench: %s\n", qPrintable(error));
            return 1;
        }
    } else {
        QString error;
        if (!server.start(&error)) {
            std::fprintf(stderr, "rqc-bench: cannot start redis-server: %s\n", qPrintable(error));
            return 1;
        }
        o.settings = server.settings();
    }

    Result result;
    result.name = o.scenario;
    const bool ran = run(o, &result);
    std::printf("%s\n", QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    if (!result.countsOk())
        return 2; // something was lost or duplicated (or a subscriber dropped)
    if (!ran || result.extra.contains(QStringLiteral("error")))
        return 1;
    return 0;
}
