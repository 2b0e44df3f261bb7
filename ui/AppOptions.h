#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

namespace rqc {

// The console's command line, parsed into plain values (app/main.cpp only hands them over):
//   rqconsole [--url URL] [--sandbox] [--pane MODE:TARGET[,key=value…]]… [--settings FILE]
//             [--discover PATTERN]…
struct AppOptions {
    Q_DECLARE_TR_FUNCTIONS(rqc::AppOptions)

public:
    enum class Result { Run, ExitOk, Error };

    // The URL of the default server, tried when no --url is given.
    static QString defaultUrl() { return QStringLiteral("redis://127.0.0.1:6379"); }

    QString url;                        // as given; empty when --url was not used
    ConnectionSettings server;          // parsed url, or the default server
    bool sandbox = false;               // --sandbox: always start a private server
    QList<ConsumerSpec> panes;          // --pane, in order
    QString settingsFile;               // --settings: an INI file instead of the user's settings
    QList<QByteArray> discoverPatterns; // --discover: globs that scope discovery and the sidebar

    bool urlGiven() const { return !url.isEmpty(); }

    // Parses arguments (argv[0] first, as QCoreApplication::arguments() gives them). On Error,
    // *message holds a sentence for stderr; on ExitOk (--help, --version) the text for stdout.
    static Result parse(const QStringList& arguments, AppOptions* out, QString* message);
};

} // namespace rqc
