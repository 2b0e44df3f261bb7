// Helper for tst_sandboxserver: a process that owns a SandboxServer, prints the redis-server's pid
// and directory, and then waits to be killed (the test sends it SIGKILL and checks that the
// server dies with it).
#include "SandboxServer.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    rqc::SandboxServer server;
    QString error;
    QTextStream out(stdout);
    if (!server.start(&error)) {
        out << "ERROR " << error << Qt::endl;
        return 1;
    }
    out << "PID " << server.pid() << Qt::endl;
    out << "PORT " << server.port() << Qt::endl;
    out << "DIR " << server.directory() << Qt::endl;
    return app.exec(); // until killed
}
