#include "ServerTag.h"

#include <QColor>
#include <QHBoxLayout>
#include <QLabel>

namespace rqc {

ServerTag::ServerTag(QWidget* parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("serverTag"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 1, 6, 1);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("serverTagLabel"));
    QFont bold = m_label->font();
    bold.setBold(true);
    m_label->setFont(bold);
    layout->addWidget(m_label, 1);
    setVisible(false);
}

void ServerTag::setTag(const QString& text, const QString& color)
{
    m_label->setText(text);
    m_color = color;
    const QColor c(color);
    if (c.isValid()) {
        // The band in the connection's colour, the text in black or white, whichever reads.
        const QString fg =
            c.lightness() > 140 ? QStringLiteral("#000000") : QStringLiteral("#ffffff");
        setStyleSheet(QStringLiteral("QFrame#serverTag { background: %1; border-radius: 2px; }"
                                     "QLabel#serverTagLabel { color: %2; }")
                          .arg(c.name(), fg));
    } else {
        setStyleSheet(QString());
    }
    setToolTip(tr("This pane belongs to %1").arg(text));
    setVisible(!text.isEmpty());
}

QString ServerTag::text() const { return m_label->text(); }

} // namespace rqc
