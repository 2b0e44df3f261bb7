#include "AppOptions.h"

#include <QCommandLineParser>

namespace rqc {

AppOptions::Result AppOptions::parse(const QStringList& arguments, AppOptions* out,
                                     QString* message)
{
    QString dummy;
    if (!message)
        message = &dummy;
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Desktop console for Redis message queues."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption urlOption(
        QStringLiteral("url"),
        tr("The server to use: redis://[user[:password]@]host[:port][/db], rediss://… or "
           "unix:///path.sock?db=N. Default: %1, or a private sandbox server if nothing "
           "answers there.")
            .arg(defaultUrl()),
        tr("URL"));
    const QCommandLineOption sandboxOption(
        QStringLiteral("sandbox"), tr("Start a private redis-server for this session and use it."));
    const QCommandLineOption paneOption(
        QStringLiteral("pane"),
        tr("Open a pane; repeatable. MODE is one of %1, e.g. list:queue1, pubsub:news, "
           "reliable:jobs,ack=manual,consumer=w1, stream:events,group=g,ack=auto|manual|none "
           "or tail:events.")
            .arg(ConsumerSpec::modeNames().join(QStringLiteral(", "))),
        tr("MODE:TARGET[,key=value…]"));
    const QCommandLineOption settingsOption(QStringLiteral("settings"),
                                            tr("Keep the window layout in this file instead of the "
                                               "user's settings."),
                                            tr("FILE"));
    const QCommandLineOption discoverOption(
        QStringLiteral("discover"),
        tr("Discover only keys and channels matching this glob (e.g. queue:*); repeatable. "
           "Default: all."),
        tr("PATTERN"));
    parser.addOptions({urlOption, sandboxOption, paneOption, settingsOption, discoverOption});

    if (!parser.parse(arguments)) {
        *message = parser.errorText();
        return Result::Error;
    }
    if (parser.isSet(helpOption)) {
        *message = parser.helpText();
        return Result::ExitOk;
    }
    if (parser.isSet(versionOption)) {
        *message = QCoreApplication::applicationName() + QLatin1Char(' ') +
                   QCoreApplication::applicationVersion() + QLatin1Char('\n');
        return Result::ExitOk;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *message = tr("Unexpected argument \"%1\".").arg(parser.positionalArguments().first());
        return Result::Error;
    }

    AppOptions options;
    options.sandbox = parser.isSet(sandboxOption);
    if (parser.isSet(urlOption)) {
        options.url = parser.value(urlOption);
        if (options.sandbox) {
            *message = tr("Use either --url or --sandbox, not both.");
            return Result::Error;
        }
        QString error;
        if (options.url.trimmed().isEmpty() ||
            !ConnectionSettings::parse(options.url, &options.server, &error)) {
            *message =
                tr("Bad --url: %1").arg(error.isEmpty() ? tr("the server URL is empty.") : error);
            return Result::Error;
        }
    } else {
        ConnectionSettings::parse(defaultUrl(), &options.server, nullptr);
    }
    for (const QString& text : parser.values(paneOption)) {
        ConsumerSpec spec;
        QString error;
        if (!ConsumerSpec::parse(text, &spec, &error)) {
            *message = tr("Bad --pane: %1").arg(error);
            return Result::Error;
        }
        options.panes << spec;
    }
    for (const QString& pattern : parser.values(discoverOption)) {
        if (pattern.isEmpty()) {
            *message = tr("--discover needs a pattern.");
            return Result::Error;
        }
        options.discoverPatterns << pattern.toUtf8();
    }
    if (parser.isSet(settingsOption)) {
        options.settingsFile = parser.value(settingsOption);
        if (options.settingsFile.trimmed().isEmpty()) {
            *message = tr("--settings needs a file name.");
            return Result::Error;
        }
    }
    *out = options;
    return Result::Run;
}

} // namespace rqc
