// rqconsole: parse the command line, install translations and signal handling, show the window.
// Everything a test would want lives in rqui (AppOptions, MainWindow).
#include "AppOptions.h"
#include "MainWindow.h"
#include "UnixSignalWatcher.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <csignal>
#include <cstdio>

namespace {
void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("rqconsole"));
    QCoreApplication::setApplicationName(QStringLiteral("rqconsole"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RQ_VERSION));
}

// Qt's own strings (standard buttons) and ours, for the system locale (LANG=zh_CN.UTF-8…).
void installTranslations(QTranslator* qt, QTranslator* own)
{
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    if (own->load(QLocale(), QStringLiteral("rqconsole"), QStringLiteral("_"),
                  QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
}
} // namespace

int main(int argc, char* argv[])
{
    rqc::AppOptions options;
    {
        // Arguments are parsed before the GUI exists, so --help and mistakes need no display.
        QCoreApplication core(argc, argv);
        setIdentity();
        QTranslator qtTranslator, translator;
        installTranslations(&qtTranslator, &translator);
        QString message;
        switch (rqc::AppOptions::parse(QCoreApplication::arguments(), &options, &message)) {
        case rqc::AppOptions::Result::Error:
            std::fprintf(
                stderr, "rqconsole: %s\n%s\n", qPrintable(message),
                qPrintable(QCoreApplication::translate("main", "Try \"rqconsole --help\".")));
            return 2;
        case rqc::AppOptions::Result::ExitOk:
            std::fputs(qPrintable(message), stdout);
            return 0;
        case rqc::AppOptions::Result::Run:
            break;
        }
    }

    QApplication app(argc, argv);
    setIdentity();
    QApplication::setDesktopFileName(QStringLiteral("rqconsole"));
    QTranslator qtTranslator, translator;
    installTranslations(&qtTranslator, &translator);

    // The window is destroyed before app: its destructor stops the consumers and then the
    // sandbox server, if one was started.
    rqc::MainWindow window(options);
    window.show();

    // SIGTERM, SIGINT and SIGHUP quit cleanly; the window saves its layout on aboutToQuit.
    rqc::UnixSignalWatcher signalWatcher({SIGTERM, SIGINT, SIGHUP});
    QObject::connect(&signalWatcher, &rqc::UnixSignalWatcher::signalReceived, &app,
                     [] { QCoreApplication::quit(); });

    return app.exec();
}
