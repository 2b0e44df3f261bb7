#include "TemplateHelp.h"

#include <QCoreApplication>
#include <QFrame>
#include <QLabel>
#include <QVBoxLayout>
#include <QWidget>

namespace rqc {

QString TemplateHelp::text()
{
    auto tr = [](const char* s) {
        return QCoreApplication::translate("rqc::TemplateHelp", s);
    };
    QString html = QStringLiteral("<p><b>%1</b></p><table cellspacing='4'>")
                       .arg(tr("Placeholders, expanded for every message sent:"));
    const QList<QPair<const char*, const char*>> rows = {
        {"{{seq}}", QT_TRANSLATE_NOOP("rqc::TemplateHelp", "1, 2, 3… the message's number")},
        {"{{uuid}}", QT_TRANSLATE_NOOP("rqc::TemplateHelp", "a random UUID (version 4)")},
        {"{{now}}",
         QT_TRANSLATE_NOOP("rqc::TemplateHelp", "the time, ISO 8601 UTC with milliseconds")},
        {"{{ts_ms}}", QT_TRANSLATE_NOOP("rqc::TemplateHelp", "milliseconds since 1970 (UTC)")},
        {"{{random 1 100}}",
         QT_TRANSLATE_NOOP("rqc::TemplateHelp", "a whole number from 1 to 100")},
        {"{{pick a b c}}", QT_TRANSLATE_NOOP("rqc::TemplateHelp", "one of the words, at random")},
        {"{{bytes 1KiB}}",
         QT_TRANSLATE_NOOP("rqc::TemplateHelp",
                           "random printable filler: B, KB, KiB, MB, MiB (at most 64 MiB)")},
        {"{{{{", QT_TRANSLATE_NOOP("rqc::TemplateHelp", "a literal {{")},
    };
    for (const auto& r : rows)
        html +=
            QStringLiteral("<tr><td><code>%1</code></td><td>%2</td></tr>")
                .arg(QString::fromLatin1(r.first).toHtmlEscaped(), tr(r.second).toHtmlEscaped());
    html += QStringLiteral("</table><p>%1</p>")
                .arg(tr("An unknown placeholder is an error, shown before anything is sent. "
                        "Repeat and load mode number their messages from 1.")
                         .toHtmlEscaped());
    return html;
}

QWidget* TemplateHelp::show(QWidget* anchor)
{
    auto* popup = new QFrame(anchor, Qt::Popup);
    popup->setObjectName(QStringLiteral("templateHelp"));
    popup->setAttribute(Qt::WA_DeleteOnClose);
    popup->setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(popup);
    auto* label = new QLabel(text(), popup);
    label->setObjectName(QStringLiteral("templateHelpText"));
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
    popup->adjustSize();
    popup->move(anchor->mapToGlobal(QPoint(0, anchor->height())));
    popup->show();
    return popup;
}

} // namespace rqc
