<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>main</name>
    <message>
        <location filename="../../app/main.cpp" line="49" />
        <source>Try "rqconsole --help".</source>
        <translation>试试 "rqconsole --help"。</translation>
    </message>
</context>
<context>
    <name>rqc</name>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="42" />
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
</context>
<context>
    <name>rqc::AccessDialog</name>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="23" />
        <source>Certificate not trusted</source>
        <translation>证书不受信任</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="23" />
        <source>Password required</source>
        <translation>需要密码</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="32" />
        <source>%1 refused the connection: TLS does not trust the server's certificate.
%2

Every connection to this server has stopped. Trust a CA file that signed the certificate, or skip verification.</source>
        <translation>%1 拒绝了连接：TLS 不信任服务器的证书。
%2

到此服务器的所有连接均已停止。请信任签发该证书的 CA 文件，或跳过验证。</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="36" />
        <source>%1 refused the connection: %2

Every connection to this server has stopped. Enter the password (and the ACL user, if any) to connect again. It is kept in memory only, never written to the settings file.</source>
        <translation>%1 拒绝了连接：%2

到此服务器的所有连接均已停止。请输入密码（如有 ACL 用户，也一并输入）以重新连接。密码仅保存在内存中，绝不会写入设置文件。</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="45" />
        <source>default</source>
        <translation>default</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="50" />
        <source>unchanged</source>
        <translation>保持不变</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="51" />
        <source>&amp;User (optional):</source>
        <translation>用户（可选）(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="52" />
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="58" />
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="63" />
        <source>&amp;CA file:</source>
        <translation>CA 文件(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="64" />
        <source>&amp;Skip certificate verification</source>
        <translation>跳过证书验证(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="69" />
        <source>Not verified: anyone between you and the server can read and change everything, the password included. The window says so while it lasts.</source>
        <translation>未验证：你与服务器之间的任何人都能读取和篡改所有内容，包括密码。在此期间，窗口会一直提示这一点。</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="83" />
        <source>&amp;Connect</source>
        <translation>连接(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="111" />
        <source>CA certificate</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <location filename="../../ui/AccessDialog.cpp" line="112" />
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>rqc::AckBar</name>
    <message>
        <location filename="../../ui/AckBar.cpp" line="25" />
        <source>Ack:</source>
        <translation>确认方式：</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="28" />
        <source>When a message counts as processed. Switching restarts the consumer; nothing pending is lost.</source>
        <translation>消息何时算作已处理。切换会重启消费者；待确认的消息不会丢失。</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="35" />
        <source>Reads only: nothing is consumed, nothing to ack.</source>
        <translation>只读：不消费任何消息，无需确认。</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="39" />
        <source>&amp;Ack</source>
        <translation>确认(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="40" />
        <source>Ack the selected pending messages: processed, removed from Redis</source>
        <translation>确认所选的待确认消息：视为已处理，从 Redis 中移除</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="42" />
        <source>&amp;Requeue</source>
        <translation>重新入队(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="43" />
        <source>Give the selected pending messages back to the queue: they are delivered again, with their delivery count raised</source>
        <translation>把所选的待确认消息退回队列：它们会被再次投递，投递次数加一</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="46" />
        <source>&amp;Dead-letter</source>
        <translation>转入死信(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="47" />
        <source>Move the selected pending messages to the dead-letter list or stream</source>
        <translation>把所选的待确认消息移到死信列表或死信流</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="50" />
        <source>&amp;Inspect…</source>
        <translation>检查(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="51" />
        <source>Processing lists, consumer groups, pending entries and dead letters of this queue</source>
        <translation>此队列的处理列表、消费组、待确认条目和死信</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="82" />
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="109" />
        <source>At most once (ack=none): entries are read with NOACK and never pending; one lost between the read and the pane is gone.</source>
        <translation>至多一次（ack=none）：条目以 NOACK 方式读取，从不处于待确认状态；在读取与显示之间丢失的条目就此消失。</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="119" />
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="120" />
        <source>Acked as soon as it is in the pane</source>
        <translation>消息一进入窗格就确认</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="121" />
        <source>manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="122" />
        <source>Pending until you ack, requeue or dead-letter it</source>
        <translation>保持待确认，直到你确认、重新入队或转入死信</translation>
    </message>
    <message>
        <location filename="../../ui/AckBar.cpp" line="125" />
        <source>none (at most once)</source>
        <translation>不确认（至多一次）</translation>
    </message>
</context>
<context>
    <name>rqc::AckingConsumer</name>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="62" />
        <source>The consumer stopped before Redis answered; the messages stay pending and will be delivered again.</source>
        <translation>消费者在 Redis 应答之前已停止；这些消息仍处于待确认状态，之后会再次投递。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="64" />
        <source>The consumer stopped.</source>
        <translation>消费者已停止。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="82" />
        <source>%1 is not possible in this mode.</source>
        <translation>此模式下不能执行 %1。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="212" />
        <location filename="../../core/AckingConsumer.cpp" line="370" />
        <source>The consumer failed; nothing more is settled through it.</source>
        <translation>消费者已失败；不会再通过它处理任何消息。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="255" />
        <source>No free consumer name after %1 tries.</source>
        <translation>尝试 %1 次后仍找不到可用的消费者名称。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="262" />
        <source>Another consumer named %1 looked alive (%2); both now share its pending messages.</source>
        <translation>另一个名为 %1 的消费者似乎仍在运行（%2）；现在两者共享它的待确认消息。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="339" />
        <source>Connection lost before Redis answered (%1); the outcome is unknown — settle again if the messages are still pending.</source>
        <translation>在 Redis 应答之前连接已断开（%1）；结果未知——如果消息仍处于待确认状态，请再处理一次。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="366" />
        <source>The consumer is stopping.</source>
        <translation>消费者正在停止。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="398" />
        <source>This consumer reads with NOACK: there is nothing to ack.</source>
        <translation>此消费者以 NOACK 方式读取：没有需要确认的消息。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="472" />
        <source>Claiming idle entries</source>
        <translation>正在认领空闲条目</translation>
    </message>
</context>
<context>
    <name>rqc::AppOptions</name>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="14" />
        <source>Desktop console for Redis message queues.</source>
        <translation>Redis 消息队列桌面控制台。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="19" />
        <source>The server to use: redis://[user[:password]@]host[:port][/db], rediss://… or unix:///path.sock?db=N. Default: %1, or a private sandbox server if nothing answers there.</source>
        <translation>要使用的服务器：redis://[user[:password]@]host[:port][/db]、rediss://… 或 unix:///path.sock?db=N。默认：%1；若该地址无响应，则启动一个私有沙箱服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="23" />
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="25" />
        <source>Start a private redis-server for this session and use it.</source>
        <translation>为本次会话启动并使用一个私有 redis-server。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="28" />
        <source>Open a pane; repeatable. MODE is one of %1, e.g. list:queue1, pubsub:news, reliable:jobs,ack=manual,consumer=w1, stream:events,group=g,ack=auto|manual|none or tail:events.</source>
        <translation>打开一个窗格；可重复使用。MODE 为 %1 之一，例如 list:queue1、pubsub:news、reliable:jobs,ack=manual,consumer=w1、stream:events,group=g,ack=auto|manual|none 或 tail:events。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="32" />
        <source>MODE:TARGET[,key=value…]</source>
        <translation>MODE:TARGET[,key=value…]</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="34" />
        <source>Keep the window layout in this file instead of the user's settings.</source>
        <translation>将窗口布局保存在此文件中，而不是用户设置中。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="36" />
        <source>FILE</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="39" />
        <source>Discover only keys and channels matching this glob (e.g. queue:*); repeatable. Default: all.</source>
        <translation>只发现匹配此 glob 的键和频道（例如 queue:*）；可重复指定。默认：全部。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="41" />
        <source>PATTERN</source>
        <translation>PATTERN</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="58" />
        <source>Unexpected argument "%1".</source>
        <translation>多余的参数 "%1"。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="67" />
        <source>Use either --url or --sandbox, not both.</source>
        <translation>--url 和 --sandbox 只能二选一。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="74" />
        <source>Bad --url: %1</source>
        <translation>--url 有误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="74" />
        <source>the server URL is empty.</source>
        <translation>服务器 URL 为空。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="84" />
        <source>Bad --pane: %1</source>
        <translation>--pane 有误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="91" />
        <source>--discover needs a pattern.</source>
        <translation>--discover 需要一个模式。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="99" />
        <source>--settings needs a file name.</source>
        <translation>--settings 需要一个文件名。</translation>
    </message>
</context>
<context>
    <name>rqc::CensusWorker</name>
    <message>
        <location filename="../../core/CensusService.cpp" line="303" />
        <source>not read: its master %1 cannot be reached (%2)</source>
        <translation>未读取：无法连接到它所在的主节点 %1（%2）</translation>
    </message>
</context>
<context>
    <name>rqc::ChartHistory</name>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="144" />
        <source>depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="146" />
        <source>in/s</source>
        <translation>入/秒</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="148" />
        <source>out/s</source>
        <translation>出/秒</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="150" />
        <source>net change/s</source>
        <translation>净变化/秒</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="152" />
        <source>pending</source>
        <translation>待确认</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="154" />
        <source>lag</source>
        <translation>积压</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="156" />
        <source>consumers</source>
        <translation>消费者</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="158" />
        <source>ops/s</source>
        <translation>每秒操作数</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="160" />
        <source>memory (bytes)</source>
        <translation>内存（字节）</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="162" />
        <source>connected clients</source>
        <translation>已连接客户端</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="164" />
        <source>blocked clients</source>
        <translation>阻塞的客户端</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="166" />
        <source>pub/sub channels</source>
        <translation>发布/订阅频道</translation>
    </message>
    <message>
        <location filename="../../core/ChartHistory.cpp" line="168" />
        <source>pub/sub patterns</source>
        <translation>发布/订阅模式</translation>
    </message>
</context>
<context>
    <name>rqc::ClusterMap</name>
    <message>
        <location filename="../../core/ClusterMap.cpp" line="104" />
        <source>not sampled: key on node %1</source>
        <translation>未采样：键在节点 %1 上</translation>
    </message>
    <message>
        <location filename="../../core/ClusterMap.cpp" line="112" />
        <location filename="../../core/ClusterMap.cpp" line="120" />
        <source>CLUSTER SHARDS gave an unexpected reply.</source>
        <translation>CLUSTER SHARDS 返回了意外的应答。</translation>
    </message>
    <message>
        <location filename="../../core/ClusterMap.cpp" line="172" />
        <location filename="../../core/ClusterMap.cpp" line="179" />
        <source>CLUSTER SLOTS gave an unexpected reply.</source>
        <translation>CLUSTER SLOTS 返回了意外的应答。</translation>
    </message>
</context>
<context>
    <name>rqc::ConnectionController</name>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="27" />
        <source>C&amp;onnect…</source>
        <translation>连接(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="31" />
        <source>Choose, add or edit a saved server and open it beside the ones already open</source>
        <translation>选择、添加或编辑已保存的服务器，并在已打开的服务器旁边打开它</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="133" />
        <source>Opening %1: asking the keychain for its password… &lt;a href="type"&gt;type it instead&lt;/a&gt;</source>
        <translation>正在打开 %1：正在向钥匙串获取其密码… &lt;a href="type"&gt;改为手动输入&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="137" />
        <source>The system keychain has not answered yet (over D-Bus it can take up to 25 s to give up). Type the password instead and it is kept in memory only.</source>
        <translation>系统钥匙串尚未应答（通过 D-Bus 时，它可能要等 25 秒才会放弃）。改为手动输入密码，密码将仅保存在内存中。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="158" />
        <source>Password for %1</source>
        <translation>%1 的密码</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="161" />
        <source>The system keychain has not answered.
The password you type for %1 is kept in memory only, until the console quits.
Password (empty for none):</source>
        <translation>系统钥匙串没有应答。
你为 %1 输入的密码仅保存在内存中，直到控制台退出。
密码（无密码则留空）：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="164" />
        <source>No system keychain is available (%1).
The password for %2 is kept in memory only, until the console quits.
Password (empty for none):</source>
        <translation>没有可用的系统钥匙串（%1）。
%2 的密码仅保存在内存中，直到控制台退出。
密码（无密码则留空）：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="166" />
        <source>no Secret Service</source>
        <translation>没有 Secret Service</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="169" />
        <source>Not connected to %1: no password given. File › Connect… chooses a server.</source>
        <translation>未连接到 %1：未提供密码。可通过“文件 › 连接…”选择服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="179" />
        <source>The password for %1 is kept in memory only (typed instead of waiting for the keychain).</source>
        <translation>%1 的密码仅保存在内存中（手动输入，未等待钥匙串）。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionController.cpp" line="182" />
        <source>No system keychain: the password for %1 is kept in memory only.</source>
        <translation>没有系统钥匙串：%1 的密码仅保存在内存中。</translation>
    </message>
</context>
<context>
    <name>rqc::ConnectionDialog</name>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="32" />
        <source>Connect to a server</source>
        <translation>连接到服务器</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="49" />
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="52" />
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="58" />
        <source>Saved connections</source>
        <translation>已保存的连接</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="46" />
        <source>e.g. orders (production)</source>
        <translation>例如：orders（生产环境）</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="48" />
        <source>Paste redis://user:password@host:6379/0, rediss://…, unix:///path.sock or a redis-cli command line</source>
        <translation>粘贴 redis://user:password@host:6379/0、rediss://…、unix:///path.sock 或 redis-cli 命令行</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="50" />
        <source>Paste a URL and the fields below fill in; editing the fields rewrites it (without the password).</source>
        <translation>粘贴 URL 后会自动填写下面的字段；编辑这些字段会重写 URL（不含密码）。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="54" />
        <source>Standalone</source>
        <translation>独立</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="55" />
        <source>Sentinel</source>
        <translation>哨兵</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="56" />
        <source>Sentinel: the master is found through the Sentinels at every connect and followed across failovers (redis+sentinel://).</source>
        <translation>哨兵：每次连接时通过哨兵找到主节点，并在故障转移后跟随（redis+sentinel://）。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="64" />
        <source>TCP</source>
        <translation>TCP</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="65" />
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="66" />
        <source>Unix socket</source>
        <translation>Unix 套接字</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="72" />
        <source>default</source>
        <translation>default</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="81" />
        <source>only if the key file is encrypted</source>
        <translation>仅当密钥文件已加密时</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="82" />
        <source>The client key's passphrase, kept in the system keychain.</source>
        <translation>客户端密钥的口令，保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="85" />
        <source>Skip certificate verification</source>
        <translation>跳过证书验证</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="88" />
        <source>⚠ Anyone between you and the server can read and change what you send, passwords included.</source>
        <translation>⚠ 你与服务器之间的任何人都能读取和篡改你发送的内容，包括密码。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="95" />
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="98" />
        <source>e.g. production</source>
        <translation>例如：生产环境</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="101" />
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="103" />
        <source>Red</source>
        <translation>红色</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="103" />
        <source>Orange</source>
        <translation>橙色</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="104" />
        <source>Yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="104" />
        <source>Green</source>
        <translation>绿色</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="105" />
        <source>Blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="105" />
        <source>Purple</source>
        <translation>紫色</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="106" />
        <source>Grey</source>
        <translation>灰色</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="116" />
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="123" />
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="128" />
        <source>From &amp;environment</source>
        <translation>从环境变量导入(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="129" />
        <source>Import redis-cli's connection from the console's environment: REDIS_URL if set, and the password in REDISCLI_AUTH</source>
        <translation>从控制台的环境变量导入 redis-cli 的连接：REDIS_URL（如已设置），以及 REDISCLI_AUTH 中的密码</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="132" />
        <source>&amp;URL:</source>
        <translation>URL(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="135" />
        <source>&amp;Kind:</source>
        <translation>类型(&amp;K)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="137" />
        <source>&amp;Transport:</source>
        <translation>传输方式(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="138" />
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="139" />
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="140" />
        <source>&amp;Socket:</source>
        <translation>套接字(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="141" />
        <source>&amp;Database:</source>
        <translation>数据库(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="142" />
        <source>U&amp;ser:</source>
        <translation>用户(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="143" />
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="144" />
        <source>CA file:</source>
        <translation>CA 文件：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="144" />
        <source>CA certificate</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="145" />
        <source>Client certificate:</source>
        <translation>客户端证书：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="145" />
        <source>Client certificate</source>
        <translation>客户端证书</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="146" />
        <source>Client key:</source>
        <translation>客户端密钥：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="146" />
        <source>Client key</source>
        <translation>客户端密钥</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="147" />
        <source>Key passphrase:</source>
        <translation>密钥口令：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="150" />
        <source>Connect &amp;timeout:</source>
        <translation>连接超时(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="151" />
        <source>&amp;Label:</source>
        <translation>标签(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="152" />
        <source>&amp;Colour:</source>
        <translation>颜色(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="79" />
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="82" />
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="85" />
        <source>C&amp;onnect</source>
        <translation>连接(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="318" />
        <source>asking the keychain…</source>
        <translation>正在询问钥匙串…</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="151" />
        <source>No system keychain (%1): passwords are kept in memory only, until the console quits.</source>
        <translation>没有系统钥匙串（%1）：密码仅保存在内存中，直到控制台退出。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="156" />
        <source>The password is kept in memory only.</source>
        <translation>密码仅保存在内存中。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="157" />
        <source>The password is kept in the system keychain.</source>
        <translation>密码保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="196" />
        <source>Delete connection</source>
        <translation>删除连接</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="197" />
        <source>Delete the saved connection %1 and its password?</source>
        <translation>要删除已保存的连接 %1 及其密码吗？</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionForm.cpp" line="257" />
        <source>Not used from the command line: %1</source>
        <translation>命令行中未采用的部分：%1</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="240" />
        <source>Imported from the environment: Save keeps it, and its password goes to the keychain like any other.</source>
        <translation>已从环境变量导入：点击“保存”即可保留，其密码会像其他连接一样存入钥匙串。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="253" />
        <source>Testing %1…</source>
        <translation>正在测试 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="276" />
        <source>Saved %1 (no password).</source>
        <translation>已保存 %1（无密码）。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="279" />
        <source>Saved %1; its password is in the system keychain.</source>
        <translation>已保存 %1；其密码保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="282" />
        <source>Saved %1, but not its password: no system keychain (%2). The password is kept in memory only, until the console quits; you will be asked for it next time.</source>
        <translation>已保存 %1，但未保存其密码：没有系统钥匙串（%2）。密码仅保存在内存中，直到控制台退出；下次会再次向你询问密码。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="304" />
        <source>Its Sentinel password or key passphrase is in the system keychain.</source>
        <translation>其哨兵密码或密钥口令保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionDialog.cpp" line="306" />
        <source>Its Sentinel password or key passphrase is kept in memory only.</source>
        <translation>其哨兵密码或密钥口令仅保存在内存中。</translation>
    </message>
</context>
<context>
    <name>rqc::ConnectionList</name>
    <message>
        <location filename="../../ui/ConnectionList.cpp" line="34" />
        <source>Saved connections: double-click one to open it beside the servers already open; right-click an open one (bold) to close it (File › Connect… to add or edit)</source>
        <translation>已保存的连接：双击某个连接即可在已打开的服务器旁边打开它；右键单击已打开的连接（粗体）可将其关闭（通过“文件 › 连接…”添加或编辑）</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionList.cpp" line="44" />
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionList.cpp" line="45" />
        <source>&amp;Close connection</source>
        <translation>关闭连接(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/ConnectionList.cpp" line="74" />
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>rqc::ConnectionSettings</name>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="16" />
        <source>The database number "%1" is not a non-negative integer.</source>
        <translation>数据库编号 "%1" 不是非负整数。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="73" />
        <source>The Sentinel URL "%1" names no master: use redis+sentinel://host:26379[,host2:26379]/MASTER_NAME[/db].</source>
        <translation>哨兵 URL "%1" 未指定主节点：请使用 redis+sentinel://host:26379[,host2:26379]/MASTER_NAME[/db]。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="79" />
        <source>The Sentinel URL "%1" has more than a master name and a database number.</source>
        <translation>哨兵 URL "%1" 中除了主节点名称和数据库编号之外还有其他内容。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="89" />
        <source>The Sentinel address "%1" in "%2" is not host:port.</source>
        <translation>"%2" 中的哨兵地址 "%1" 不是 host:port 格式。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="95" />
        <source>The Sentinel URL "%1" names no Sentinel.</source>
        <translation>哨兵 URL "%1" 未指定任何哨兵。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="136" />
        <source>The server URL is empty.</source>
        <translation>服务器 URL 为空。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="143" />
        <source>"%1" is not a valid URL: %2</source>
        <translation>"%1" 不是有效的 URL：%2</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="152" />
        <source>The URL "%1" names no host.</source>
        <translation>URL "%1" 中没有主机名。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="158" />
        <source>The port in "%1" is out of range.</source>
        <translation>"%1" 中的端口超出范围。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="171" />
        <source>The URL "%1" names no socket path.</source>
        <translation>URL "%1" 中没有套接字路径。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="177" />
        <source>The socket path in "%1" is not absolute (use unix:///path/to/redis.sock).</source>
        <translation>"%1" 中的套接字路径不是绝对路径（请使用 unix:///path/to/redis.sock）。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="183" />
        <source>Unsupported URL scheme "%1": use redis://, rediss://, unix:// or redis+sentinel://.</source>
        <translation>不支持的 URL 协议 "%1"：请使用 redis://、rediss://、unix:// 或 redis+sentinel://。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="211" />
        <source>The timeout in "%1" must be a positive number of milliseconds.</source>
        <translation>"%1" 中的超时必须是正的毫秒数。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="220" />
        <source>The health interval in "%1" must be a number of seconds (0 turns the check off).</source>
        <translation>"%1" 中的健康检查间隔必须是秒数（0 表示关闭检查）。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="227" />
        <source>The health interval in "%1" must be at least 0.3 seconds.</source>
        <translation>"%1" 中的健康检查间隔至少为 0.3 秒。</translation>
    </message>
    <message>
        <location filename="../../core/TlsErrorText.cpp" line="28" />
        <source>the certificate is not valid for the host name %1 (it names %2)</source>
        <translation>该证书对主机名 %1 无效（证书中的名称为 %2）</translation>
    </message>
    <message>
        <location filename="../../core/TlsErrorText.cpp" line="38" />
        <source>TLS verification failed: %1. Connect by a name the certificate is valid for, trust its CA with cacert=/path/to/ca.pem, or add insecure=1 to skip verification (the server's identity is then not checked).</source>
        <translation>TLS 验证失败：%1。请使用证书有效的名称连接，用 cacert=/path/to/ca.pem 信任其 CA，或添加 insecure=1 跳过验证（这样将不会核实服务器的身份）。</translation>
    </message>
</context>
<context>
    <name>rqc::ConnectionTester</name>
    <message>
        <location filename="../../core/ConnectionTester.cpp" line="13" />
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionTester.cpp" line="16" />
        <source>%1, 1 master</source>
        <translation>%1，1 个主节点</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionTester.cpp" line="17" />
        <source>%1, %2 masters</source>
        <translation>%1，%2 个主节点</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionTester.cpp" line="22" />
        <source>Reached Redis %1 · role %2 · mode %3 · latency %4 ms</source>
        <translation>已连通 Redis %1 · 角色 %2 · 模式 %3 · 延迟 %4 毫秒</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionTester.cpp" line="27" />
        <source>The Sentinels resolved master %1 to %2. %3</source>
        <translation>哨兵将主节点 %1 解析为 %2。%3</translation>
    </message>
</context>
<context>
    <name>rqc::ConsoleSession</name>
    <message>
        <location filename="../../ui/ConsoleSession.cpp" line="35" />
        <source>Started a private sandbox server at %1 (--sandbox); it ends with the console.</source>
        <translation>已在 %1 启动私有沙箱服务器（--sandbox），它会随控制台一起退出。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsoleSession.cpp" line="51" />
        <source>No Redis at %1:%2 — started a private sandbox server at %3; it ends with the console.</source>
        <translation>%1:%2 上没有 Redis——已在 %3 启动私有沙箱服务器，它会随控制台一起退出。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsoleSession.cpp" line="65" />
        <source>No Redis server to use: nothing answers at %1, and redis-server is not installed for a private sandbox.</source>
        <translation>没有可用的 Redis 服务器：%1 无响应，而且未安装 redis-server，无法启动私有沙箱。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsoleSession.cpp" line="75" />
        <source>Could not start a private sandbox server: %1</source>
        <translation>无法启动私有沙箱服务器：%1</translation>
    </message>
</context>
<context>
    <name>rqc::ConsumeGuard</name>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="79" />
        <source>This pane will take messages from list %1 with %2; your workers will not get them, and a message it takes is lost if the console dies before showing it.</source>
        <translation>此窗格将用 %2 从列表 %1 中取走消息；你的工作进程将收不到这些消息，而且如果控制台在显示某条已取走的消息之前崩溃，这条消息就会丢失。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="85" />
        <source>This pane will move messages from list %1 into its own processing list with BLMOVE; your workers will not get them.</source>
        <translation>此窗格将用 BLMOVE 把列表 %1 中的消息移到它自己的处理列表中；你的工作进程将收不到这些消息。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="89" />
        <source>This pane will read the entries of stream %1 in consumer group %2 with XREADGROUP; the entries it reads are not delivered to the group's other consumers. A group the console creates stays on the server unless you remove it when you close the pane or quit.</source>
        <translation>此窗格将使用 XREADGROUP 在消费者组 %2 中读取流 %1 的条目；它读取的条目不会再投递给该组的其他消费者。控制台创建的组会留在服务器上，除非你在关闭窗格或退出时将其删除。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="95" />
        <source>This pane takes nothing from %1.</source>
        <translation>此窗格不会从 %1 取走任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="107" />
        <source>Group %1 exists already: the console will not remove it, only its own consumer once nothing is pending for it.</source>
        <translation>组 %1 已存在：控制台不会删除它，只会在其自己的消费者没有待处理条目时删除该消费者。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="109" />
        <source>Group %1 does not exist yet: the console will create it (XGROUP CREATE), and it stays on the server unless you remove it when you close the pane or quit.</source>
        <translation>组 %1 尚不存在：控制台将创建它（XGROUP CREATE），它会留在服务器上，除非你在关闭窗格或退出时将其删除。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="114" />
        <source>Consumers already there: %1</source>
        <translation>已有的消费者：%1</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="119" />
        <source>Other groups (not affected): %1</source>
        <translation>其他消费组（不受影响）：%1</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="125" />
        <location filename="../../ui/ConsumeGuard.cpp" line="127" />
        <source>Consumers already there: %1; %2</source>
        <translation>已有的消费者：%1；%2</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="190" />
        <source>not connected to the server yet</source>
        <translation>尚未连接到服务器</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="213" />
        <source>the server did not answer in time</source>
        <translation>服务器未及时响应</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="235" />
        <source>The consumers already there could not be listed: %1.</source>
        <translation>无法列出已有的消费者：%1。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="239" />
        <source>Consume from %1?</source>
        <translation>要从 %1 消费吗？</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="246" />
        <source>Consume with %1</source>
        <translation>以 %1 模式消费</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumeGuard.cpp" line="251" />
        <source>Don't ask again for this server</source>
        <translation>对此服务器不再询问</translation>
    </message>
</context>
<context>
    <name>rqc::Consumer</name>
    <message>
        <location filename="../../core/Consumer.cpp" line="174" />
        <location filename="../../core/Consumer.cpp" line="207" />
        <source>The consumer is not running.</source>
        <translation>消费者未在运行。</translation>
    </message>
    <message>
        <location filename="../../core/Consumer.cpp" line="175" />
        <source>Mode %1 does not settle messages.</source>
        <translation>%1 模式不需要确认或退回消息。</translation>
    </message>
    <message>
        <location filename="../../core/Consumer.cpp" line="208" />
        <source>Mode %1 has nothing to recover.</source>
        <translation>%1 模式没有可恢复的内容。</translation>
    </message>
</context>
<context>
    <name>rqc::ConsumerSpec</name>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="54" />
        <source>Pub/Sub</source>
        <translation>发布/订阅</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="56" />
        <source>Pattern</source>
        <translation>模式订阅</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="58" />
        <source>Sharded Pub/Sub</source>
        <translation>分片发布/订阅</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="60" />
        <source>List (LPUSH/BRPOP)</source>
        <translation>列表（LPUSH/BRPOP）</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="62" />
        <source>Reliable list</source>
        <translation>可靠列表</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="64" />
        <source>Stream group</source>
        <translation>Stream 消费组</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="66" />
        <source>Stream tail</source>
        <translation>Stream 跟读</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="68" />
        <source>Peek (read only)</source>
        <translation>查看（只读）</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="70" />
        <source>Observe all clients</source>
        <translation>观察所有客户端</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="79" />
        <source>At most once: every subscriber sees each message; whatever is published while nobody listens is gone.</source>
        <translation>至多一次：每个订阅者都会收到每条消息；无人订阅时发布的消息会直接丢失。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="82" />
        <source>At most once, for every channel matching the pattern; messages published while disconnected are gone.</source>
        <translation>至多一次，适用于所有匹配该模式的频道；断开期间发布的消息会丢失。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="85" />
        <source>At most once, as pub/sub: SSUBSCRIBE on the cluster node that serves the channel's slot, followed when the slot moves; messages published while resubscribing are gone.</source>
        <translation>至多一次，与发布/订阅相同：在负责该频道所在槽的集群节点上执行 SSUBSCRIBE，槽迁移时随之切换；重新订阅期间发布的消息会丢失。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="89" />
        <source>At most once: each message goes to one consumer, but is lost if that consumer dies between the pop and processing.</source>
        <translation>至多一次：每条消息只交给一个消费者，但如果该消费者在取出消息后、处理完成前崩溃，消息就会丢失。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="92" />
        <source>At least once, acked exactly once: a taken message waits in the consumer's processing list until acked; a stop or crash loses nothing.</source>
        <translation>至少一次，确认恰好一次：取出的消息会留在该消费者的处理列表中直到被确认；停止或崩溃都不会丢消息。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="95" />
        <source>At least once, acked exactly once: an entry stays pending in the group until acked (ack=none: at most once).</source>
        <translation>至少一次，确认恰好一次：条目在被确认之前一直处于消费组的待确认状态（ack=none 时为至多一次）。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="98" />
        <source>Reads only: follows new entries without consuming; the application's consumers are not affected.</source>
        <translation>只读：跟随读取新条目而不消费，不影响应用自己的消费者。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="101" />
        <source>Reads only: shows what the list or stream holds now, live, and takes nothing from it.</source>
        <translation>只读：实时显示列表或流当前的内容，不取走任何内容。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="104" />
        <source>Reads only: shows every client's produce and consume commands on this key or channel and who took each message; takes nothing. MONITOR (the default source) costs the server throughput, about half by Redis's documentation: meant for development servers. source=events is cheap but shows no payloads and no clients.</source>
        <translation>只读：显示所有客户端对此键或频道执行的生产和消费命令，以及每条消息被谁取走；不取走任何内容。MONITOR（默认数据源）会消耗服务器吞吐量，按 Redis 文档的说法约为一半：仅适用于开发服务器。source=events 开销很小，但不显示消息体和客户端。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="189" />
        <source>a file name</source>
        <translation>一个文件名</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="211" />
        <source>a whole number from 1 to 10000</source>
        <translation>1 到 10000 之间的整数</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="214" />
        <source>a whole number above 0</source>
        <translation>大于 0 的整数</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="219" />
        <source>milliseconds, 0 or more</source>
        <translation>毫秒数，不小于 0</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="223" />
        <source>milliseconds, 300 or more</source>
        <translation>毫秒数，不小于 300</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="226" />
        <source>$ (new entries only), 0 (from the start) or an entry id</source>
        <translation>$（只读新条目）、0（从头开始）或一个条目 ID</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="236" />
        <source>a name, not ending in :alive</source>
        <translation>一个名称，且不能以 :alive 结尾</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="237" />
        <source>a key other than the queue itself, not ending in :alive</source>
        <translation>队列本身以外的键，且不能以 :alive 结尾</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="240" />
        <source>Option %1=%2 is not valid for mode %3 (expected %4).</source>
        <translation>选项 %1=%2 对 %3 模式无效（应为%4）。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="255" />
        <source>"%1" is not MODE:TARGET (MODE is one of %2).</source>
        <translation>"%1" 不是 MODE:TARGET 格式（MODE 为 %2 之一）。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="262" />
        <source>Unknown mode "%1" (use one of %2).</source>
        <translation>未知模式 "%1"（请使用 %2 之一）。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="269" />
        <source>"%1" names no target.</source>
        <translation>"%1" 没有指定目标。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="277" />
        <source>Option "%1" is not key=value.</source>
        <translation>选项 "%1" 不是 key=value 格式。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="282" />
        <source>Mode %1 has no option "%2".</source>
        <translation>%1 模式没有选项 "%2"。</translation>
    </message>
</context>
<context>
    <name>rqc::ConsumerWorker</name>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="64" />
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="66" />
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="68" />
        <source>listening</source>
        <translation>监听中</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="70" />
        <source>reconnecting</source>
        <translation>正在重连</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="72" />
        <source>stopping</source>
        <translation>正在停止</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="74" />
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="76" />
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="226" />
        <source>failover: master moved from %1 to %2 at %3 while this pane had unacknowledged or in-flight work — possible gap: what the old master had not yet replicated (asynchronous replication) may be lost or delivered again. </source>
        <translation>故障转移：%3 时主节点从 %1 切换到 %2，而此窗格仍有未确认或处理中的工作——可能存在缺口：旧主节点尚未复制的内容（异步复制）可能丢失或被重复投递。 </translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="230" />
        <source>failover: master moved from %1 to %2 at %3; nothing was in flight. </source>
        <translation>故障转移：%3 时主节点从 %1 切换到 %2；当时没有处理中的工作。 </translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="284" />
        <source>%1 — retrying in %2 ms</source>
        <translation>%1——%2 毫秒后重试</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="404" />
        <source>Cluster slot %1 is migrating to %2; asking again</source>
        <translation>集群槽 %1 正在迁移到 %2；正在重新请求</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="405" />
        <source>Cluster slot %1 moved to %2; following it</source>
        <translation>集群槽 %1 已迁移到 %2；正在跟随</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="454" />
        <source>%1 — this is a Redis Cluster: add cluster=1 to the URL, and a reliable list names its processing list {queue}:processing:… so that it shares the queue's slot.</source>
        <translation>%1——这是 Redis 集群：请在 URL 中添加 cluster=1；可靠列表会将其处理列表命名为 {queue}:processing:…，使其与队列位于同一个槽。</translation>
    </message>
</context>
<context>
    <name>rqc::ConsumersLine</name>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="68" />
        <source>Consumers: asking the server…</source>
        <translation>消费者：正在询问服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="75" />
        <source>Consumers: unknown (%1)</source>
        <translation>消费者：未知（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="122" />
        <source>blocked clients unknown (CLIENT LIST: %1)</source>
        <translation>阻塞的客户端未知（CLIENT LIST：%1）</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="125" />
        <source>no client blocked in a list pop</source>
        <translation>没有客户端阻塞于列表弹出命令</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="128" />
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="130" />
        <source>1 client blocked in a list pop</source>
        <translation>1 个客户端阻塞于列表弹出命令</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="131" />
        <source>%1 clients blocked in list pops</source>
        <translation>%1 个客户端阻塞于列表弹出命令</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="132" />
        <source>%1 (on this or other lists: Redis does not say which): %2</source>
        <translation>%1（在此列表或其他列表上：Redis 不会说明是哪个）：%2</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="139" />
        <source>no processing lists</source>
        <translation>没有处理列表</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="142" />
        <source>%1 alive, %2 in flight</source>
        <translation>%1 存活，%2 条处理中</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="142" />
        <source>%1 orphaned, %2 left</source>
        <translation>%1 无主，剩余 %2 条</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="146" />
        <source>1 processing list</source>
        <translation>1 个处理列表</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="147" />
        <source>%1 processing lists</source>
        <translation>%1 个处理列表</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="148" />
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="160" />
        <source>%1 (%2 pending, idle %3)</source>
        <translation>%1（%2 条待确认，空闲 %3）</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="165" />
        <source>1 consumer</source>
        <translation>1 个消费者</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="165" />
        <source>%1 consumers</source>
        <translation>%1 个消费者</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="167" />
        <source>group %1: %2, %3 pending</source>
        <translation>消费组 %1：%2，%3 条待确认</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="169" />
        <source>, lag %1</source>
        <translation>，积压 %1</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="175" />
        <source>no consumer groups</source>
        <translation>没有消费组</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="176" />
        <source>no group %1 yet</source>
        <translation>尚无消费组 %1</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="184" />
        <source>processing lists: the server's discovery has walked ~%1 % of the keys, more may exist</source>
        <translation>处理列表：服务器的发现过程已遍历约 %1 % 的键，可能还有更多</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="199" />
        <source>not a list or stream</source>
        <translation>不是列表或流</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="207" />
        <source>incomplete: %1</source>
        <translation>不完整：%1</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="192" />
        <location filename="../../ui/ConsumersLine.cpp" line="208" />
        <source>Consumers: %1</source>
        <translation>消费者：%1</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="218" />
        <source>  %1: %2 pending, idle %3%4</source>
        <translation>  %1：%2 条待确认，空闲 %3%4</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="222" />
        <source>, rqconsole heartbeat alive</source>
        <translation>，rqconsole 心跳存活</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="225" />
        <source>No consumer groups.</source>
        <translation>没有消费组。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="229" />
        <source>Blocked in list pops (CLIENT LIST names the command, not the key):</source>
        <translation>阻塞于列表弹出命令（CLIENT LIST 只显示命令，不显示键）：</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="231" />
        <source>  %1 %2 at %3, blocked %4 s</source>
        <translation>  %1 %2，地址 %3，已阻塞 %4 秒</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="236" />
        <location filename="../../ui/ConsumersLine.cpp" line="248" />
        <source>  none</source>
        <translation>  无</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="240" />
        <source>Processing lists (reliable consumers):</source>
        <translation>处理列表（可靠消费者）：</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="242" />
        <source>  %1: %2 message(s), heartbeat %3</source>
        <translation>  %1：%2 条消息，心跳 %3</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="245" />
        <source>alive (%1 ms left)</source>
        <translation>存活（剩余 %1 毫秒）</translation>
    </message>
    <message>
        <location filename="../../ui/ConsumersLine.cpp" line="246" />
        <source>missing: orphaned</source>
        <translation>缺失：无主</translation>
    </message>
</context>
<context>
    <name>rqc::DepthFact</name>
    <message>
        <location filename="../../ui/DepthFact.cpp" line="20" />
        <source>stream</source>
        <translation>流</translation>
    </message>
    <message>
        <location filename="../../ui/DepthFact.cpp" line="20" />
        <source>list</source>
        <translation>列表</translation>
    </message>
    <message>
        <location filename="../../ui/DepthFact.cpp" line="27" />
        <source>server unreachable since %1</source>
        <translation>自 %1 起服务器不可达</translation>
    </message>
    <message>
        <location filename="../../ui/DepthFact.cpp" line="33" />
        <source>not read yet</source>
        <translation>尚未读取</translation>
    </message>
    <message>
        <location filename="../../ui/DepthFact.cpp" line="86" />
        <source>WRONGTYPE: %1 is not a %2, it holds another type</source>
        <translation>WRONGTYPE：%1 不是%2，而是其他类型</translation>
    </message>
    <message>
        <location filename="../../ui/DepthFact.cpp" line="109" />
        <source>WRONGTYPE: %1 holds a %2, not a %3</source>
        <translation>WRONGTYPE：%1 是%2，而不是%3</translation>
    </message>
    <message>
        <location filename="../../ui/DepthFact.cpp" line="119" />
        <source>discovery has not reached %1 yet</source>
        <translation>发现过程尚未到达 %1</translation>
    </message>
</context>
<context>
    <name>rqc::GroupCleanupFlow</name>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="20" />
        <source>consumer group %1 on stream %2</source>
        <translation>流 %2 上的消费者组 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/GroupCleanupFlow.cpp" line="28" />
        <source>%1 (%n pending)</source>
        <translation>
            <numerusform>%1（%n 条待处理）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/GroupCleanupFlow.cpp" line="204" />
        <source> — %n entries still pending for this console</source>
        <translation>
            <numerusform> — 本控制台仍有 %n 条待处理条目</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="209" />
        <source>Remove consumer group?</source>
        <translation>删除消费者组？</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="209" />
        <source>Remove consumer groups?</source>
        <translation>删除消费者组？</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="210" />
        <source>This console created %1, and nobody else uses it now. Remove it?</source>
        <translation>%1 由本控制台创建，目前没有其他人使用。要删除它吗？</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="212" />
        <source>This console created these consumer groups, and nobody else uses them now. Remove them?</source>
        <translation>这些消费者组由本控制台创建，目前没有其他人使用。要删除它们吗？</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/GroupCleanupFlow.cpp" line="222" />
        <source>%n entries are still pending for this console in it.</source>
        <translation>
            <numerusform>其中仍有 %n 条条目待本控制台处理。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="226" />
        <source>Removing runs XGROUP DESTROY: the group and its pending entries are forgotten; the stream's entries stay. A group left behind shows a growing lag, which monitoring may report.</source>
        <translation>删除会执行 XGROUP DESTROY：该组及其待处理条目将被遗忘；流中的条目保留。遗留的组会显示不断增长的滞后，监控可能会因此告警。</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="229" />
        <source>Remove group</source>
        <translation>删除组</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="229" />
        <source>Remove groups</source>
        <translation>删除这些组</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="232" />
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="307" />
        <source>%1 was not cleaned up (%2); it stays.</source>
        <translation>%1 未被清理（%2）；它会保留。</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="311" />
        <source>Removed %1, which this console had created (XGROUP DESTROY).</source>
        <translation>已删除 %1，它由本控制台创建（XGROUP DESTROY）。</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="317" />
        <source>%1, created by this console, stays: other consumers use it now (%2).</source>
        <translation>%1 由本控制台创建，但会保留：目前有其他消费者在使用它（%2）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/GroupCleanupFlow.cpp" line="320" />
        <source>%1, created by this console, stays: %n entries are pending for other consumers.</source>
        <translation>
            <numerusform>%1 由本控制台创建，但会保留：有 %n 条条目待其他消费者处理。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="325" />
        <source>%1 stays, as you chose.</source>
        <translation>%1 已按你的选择保留。</translation>
    </message>
    <message>
        <location filename="../../ui/GroupCleanupFlow.cpp" line="328" />
        <source>Removed consumer %1 from group %2 (XGROUP DELCONSUMER).</source>
        <translation>已从组 %2 中删除消费者 %1（XGROUP DELCONSUMER）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/GroupCleanupFlow.cpp" line="331" />
        <source>Consumer %1 stays in group %2: %n entries are pending for it.</source>
        <translation>
            <numerusform>消费者 %1 保留在组 %2 中：它有 %n 条待处理条目。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rqc::HistoryChartView</name>
    <message>
        <location filename="../../ui/HistoryChartView.cpp" line="76" />
        <source>per second</source>
        <translation>每秒</translation>
    </message>
    <message>
        <location filename="../../ui/HistoryChartView.cpp" line="108" />
        <source>connection lost</source>
        <translation>连接断开</translation>
    </message>
    <message>
        <location filename="../../ui/HistoryChartView.cpp" line="109" />
        <source>connection back</source>
        <translation>连接恢复</translation>
    </message>
</context>
<context>
    <name>rqc::InspectorDialog</name>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="46" />
        <source>Inspector — %1</source>
        <translation>检查器 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="52" />
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="59" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="61" />
        <source>Read the queue again now (it also refreshes every two seconds)</source>
        <translation>立即重新读取队列（它也会每两秒自动刷新）</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="63" />
        <source>Recover</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="65" />
        <source>Move the messages of orphaned processing lists (no heartbeat) back to the queue, counting a delivery; those past the delivery limit go to the dead letters</source>
        <translation>把无主处理列表（没有心跳）中的消息移回队列，并计一次投递；超过投递上限的消息转入死信</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="68" />
        <source>Claim</source>
        <translation>认领</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="75" />
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="78" />
        <source>Claim only entries idle at least this long (XAUTOCLAIM min-idle-time)</source>
        <translation>只认领空闲至少这么久的条目（XAUTOCLAIM min-idle-time）</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="80" />
        <source>idle ≥</source>
        <translation>空闲 ≥</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="98" />
        <source>Requeue selected</source>
        <translation>重新入队所选</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="100" />
        <source>Put the selected dead letters back on the queue (their delivery count starts again)</source>
        <translation>把所选死信放回队列（投递次数重新计算）</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="102" />
        <source>Requeue all</source>
        <translation>全部重新入队</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="113" />
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="113" />
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="113" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="165" />
        <source>Recovering…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="173" />
        <source>Claiming…</source>
        <translation>正在认领…</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="186" />
        <source>Requeueing…</source>
        <translation>正在重新入队…</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="194" />
        <source>Recover: %1 message(s) from %2 orphaned processing list(s) back in the queue, %3 dead-lettered.</source>
        <translation>恢复：%2 个无主处理列表中的 %1 条消息已回到队列，%3 条转入死信。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="212" />
        <source>Claim: %1 entries delivered to this pane, %2 dead-lettered, %3 deleted while pending.</source>
        <translation>认领：%1 个条目已投递到此窗格，%2 个转入死信，%3 个在待确认期间已被删除。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="199" />
        <source>Requeue: %1 dead letter(s) back on the queue.</source>
        <translation>重新入队：%1 条死信已回到队列。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="223" />
        <location filename="../../ui/InspectorDialog.cpp" line="254" />
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="237" />
        <source>List %1: %2 waiting, %3 processing list(s).</source>
        <translation>列表 %1：%2 条等待中，%3 个处理列表。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="241" />
        <source>%1 does not exist (empty); %2 processing list(s).</source>
        <translation>%1 不存在（为空）；%2 个处理列表。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="246" />
        <source>Stream %1: %2 entries, %3 group(s).</source>
        <translation>流 %1：%2 个条目，%3 个消费组。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="249" />
        <source>%1 is neither a list nor a stream.</source>
        <translation>%1 既不是列表也不是流。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="252" />
        <source>Read at %1.</source>
        <translation>读取于 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="265" />
        <source>Dead letters in %1: %2</source>
        <translation>%1 中的死信：%2</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="293" />
        <source>Take entries idle at least this long from any consumer of the pane's group (XAUTOCLAIM) and deliver them to this pane</source>
        <translation>从本窗格所在消费组的任意消费者处取走空闲至少这么久的条目（XAUTOCLAIM），并投递到此窗格</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorDialog.cpp" line="295" />
        <source>Claim needs a pane consuming a stream group</source>
        <translation>认领需要一个正在消费流消费组的窗格</translation>
    </message>
</context>
<context>
    <name>rqc::InspectorTree</name>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="23" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="23" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="23" />
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="23" />
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="23" />
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="37" />
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="39" />
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="41" />
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="42" />
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="100" />
        <source>Processing lists</source>
        <translation>处理列表</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="101" />
        <source>Messages taken by a consumer and not settled yet</source>
        <translation>已被消费者取出但尚未处理完毕的消息</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="106" />
        <source>heartbeat %1 left, held by %2</source>
        <translation>心跳剩余 %1，持有者 %2</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="109" />
        <location filename="../../ui/InspectorTree.cpp" line="143" />
        <source>alive</source>
        <translation>存活</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="109" />
        <source>orphaned</source>
        <translation>无主</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="111" />
        <source>Its consumer's heartbeat key exists.</source>
        <translation>其消费者的心跳键存在。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="112" />
        <source>No heartbeat: its consumer is gone. Recover moves these messages back to the queue.</source>
        <translation>没有心跳：其消费者已不在。“恢复”会把这些消息移回队列。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="124" />
        <source>Delivery counts</source>
        <translation>投递次数记录</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="125" />
        <source>Messages whose earlier delivery ended without an ack</source>
        <translation>之前的投递未被确认就结束了的消息</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="131" />
        <source>lag unknown</source>
        <translation>积压未知</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="131" />
        <source>lag %1</source>
        <translation>积压 %1</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="133" />
        <source>Group %1</source>
        <translation>消费组 %1</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="134" />
        <source>last delivered %1</source>
        <translation>最后投递 %1</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="135" />
        <source>Entries pending in the group (delivered, not acked)</source>
        <translation>消费组中待确认的条目（已投递、未确认）</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="136" />
        <source>Entries not yet delivered to the group</source>
        <translation>尚未投递给该消费组的条目</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="139" />
        <source>Consumers</source>
        <translation>消费者</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="143" />
        <source>no heartbeat</source>
        <translation>无心跳</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="145" />
        <source>inactive %1</source>
        <translation>不活跃 %1</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="148" />
        <source>An rqconsole consumer whose heartbeat key exists.</source>
        <translation>一个心跳键存在的 rqconsole 消费者。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="149" />
        <source>No rqconsole heartbeat: another program's consumer, or one that is gone. Its idle entries can be claimed.</source>
        <translation>没有 rqconsole 心跳：是其他程序的消费者，或已不在的消费者。它的空闲条目可以被认领。</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="155" />
        <source>Oldest pending</source>
        <translation>最早的待确认条目</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="160" />
        <source>deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="161" />
        <source>owned by %1</source>
        <translation>属于 %1</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="163" />
        <source>Deliveries</source>
        <translation>投递次数</translation>
    </message>
    <message>
        <location filename="../../ui/InspectorTree.cpp" line="165" />
        <source>Deleted or trimmed from the stream while pending: a claim acks it away.</source>
        <translation>在待确认期间已从流中删除或裁剪：认领时会将其确认移除。</translation>
    </message>
</context>
<context>
    <name>rqc::KeychainSecretStore</name>
    <message>
        <location filename="../../core/KeychainSecretStore.cpp" line="42" />
        <source>no system keychain</source>
        <translation>没有系统钥匙串</translation>
    </message>
    <message>
        <location filename="../../core/KeychainSecretStore.cpp" line="42" />
        <source>the system keychain</source>
        <translation>系统钥匙串</translation>
    </message>
</context>
<context>
    <name>rqc::LoadPanel</name>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="28" />
        <source>Messages</source>
        <translation>消息数</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="29" />
        <source>Seconds</source>
        <translation>秒数</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="35" />
        <source>at</source>
        <translation>速率</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="41" />
        <source> msg/s</source>
        <translation> 条/秒</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="42" />
        <source>as fast as possible</source>
        <translation>尽可能快</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="43" />
        <source>Messages per second; 0 sends as fast as the connection takes them (pipelined).</source>
        <translation>每秒消息数；0 表示按连接能接受的最快速度发送（流水线）。</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="46" />
        <source>Start load</source>
        <translation>开始压测</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="48" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="103" />
        <source>sent %1 of %2</source>
        <translation>已发送 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="105" />
        <source>sent %1</source>
        <translation>已发送 %1</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="108" />
        <source>%1 msg/s (asked %2)</source>
        <translation>%1 条/秒（设定 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="111" />
        <source>%1 msg/s</source>
        <translation>%1 条/秒</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="113" />
        <source>reached %1</source>
        <translation>送达 %1</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="115" />
        <source>acked %1</source>
        <translation>已确认 %1</translation>
    </message>
    <message>
        <location filename="../../ui/LoadPanel.cpp" line="147" />
        <location filename="../../ui/LoadPanel.cpp" line="157" />
        <source>done: %1</source>
        <translation>完成：%1</translation>
    </message>
</context>
<context>
    <name>rqc::MainWindow</name>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="59" />
        <source>rqconsole</source>
        <translation>rqconsole</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="171" />
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="110" />
        <source>Show &amp;sidebar</source>
        <translation>显示侧边栏(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="134" />
        <source>Starting a private sandbox server…</source>
        <translation>正在启动私有沙箱服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="136" />
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="138" />
        <source>Looking for Redis at %1…</source>
        <translation>正在 %1 查找 Redis…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="181" />
        <source>&amp;New pane…</source>
        <translation>新建窗格(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="184" />
        <source>Open a pane for a queue or channel (it need not exist yet)</source>
        <translation>为队列或频道打开一个窗格（它可以尚不存在）</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="186" />
        <source>&amp;Close pane</source>
        <translation>关闭窗格(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="192" />
        <location filename="../../ui/MainWindow.cpp" line="490" />
        <source>&amp;Record pane…</source>
        <translation>录制窗格(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="194" />
        <source>Record every row the focused pane receives to a JSON Lines file</source>
        <translation>将焦点所在窗格收到的每一行录制到 JSON Lines 文件</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="197" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="202" />
        <source>&amp;Refresh server</source>
        <translation>刷新服务器(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="205" />
        <source>Read the server again, and walk its keyspace again from the start at the first walk's rate</source>
        <translation>重新读取服务器，并按首次遍历的速率从头重新遍历其键空间</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="209" />
        <source>Message &amp;limit per pane…</source>
        <translation>每个窗格的消息上限(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="211" />
        <source>&amp;About rqconsole</source>
        <translation>关于 rqconsole(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="214" />
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="217" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="227" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="231" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="235" />
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="347" />
        <location filename="../../ui/MainWindow.cpp" line="411" />
        <source>No server is open: File › Connect… opens one.</source>
        <translation>没有打开的服务器：可通过“文件 › 连接…”打开一个。</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="463" />
        <source>Click into a pane first: Record pane… records the pane that has the focus.</source>
        <translation>请先点击一个窗格：“录制窗格…”录制的是焦点所在的窗格。</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="471" />
        <source>Record %1 to</source>
        <translation>将 %1 录制到</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="474" />
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="474" />
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="489" />
        <source>Stop &amp;recording</source>
        <translation>停止录制(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="508" />
        <source>Message limit</source>
        <translation>消息上限</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="509" />
        <source>Messages kept in each pane's view (older ones are dropped from the view, the totals stay true):</source>
        <translation>每个窗格视图中保留的消息数（更早的消息会从视图中移除，统计总数保持准确）：</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="522" />
        <source>About rqconsole</source>
        <translation>关于 rqconsole</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="523" />
        <source>&lt;h3&gt;rqconsole %1&lt;/h3&gt;&lt;p&gt;A desktop console for Redis message queues: publish test messages and watch them consumed live, with each mode's delivery guarantee stated plainly.&lt;/p&gt;&lt;p&gt;Built with Qt %2 and hiredis.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;rqconsole %1&lt;/h3&gt;&lt;p&gt;Redis 消息队列桌面控制台：发布测试消息，实时观察它们被消费，并明确说明每种模式的投递保证。&lt;/p&gt;&lt;p&gt;基于 Qt %2 和 hiredis 构建。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>rqc::MemorySecretStore</name>
    <message>
        <location filename="../../core/SecretStore.cpp" line="40" />
        <source>memory only (until the console quits)</source>
        <translation>仅内存（直到控制台退出）</translation>
    </message>
</context>
<context>
    <name>rqc::MessageModel</name>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="22" />
        <source>Delivered and not acked yet: it stays in Redis (processing list or pending entries) until you ack, requeue or dead-letter it.</source>
        <translation>已投递但尚未确认：它会留在 Redis 中（处理列表或待确认条目），直到你确认、重新入队或转入死信。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="25" />
        <source>Acked: removed from Redis, exactly once.</source>
        <translation>已确认：已从 Redis 移除，恰好一次。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="27" />
        <source>Acked automatically once it reached this pane (ack=auto).</source>
        <translation>到达此窗格后已自动确认（ack=auto）。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="29" />
        <source>Read with NOACK: never pending, so at most once.</source>
        <translation>以 NOACK 方式读取：从不待确认，因此至多一次。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="31" />
        <source>Given back to the queue; it is delivered again as a new row.</source>
        <translation>已退回队列；它会作为新的一行再次投递。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="33" />
        <source>Moved to the dead-letter list or stream.</source>
        <translation>已移到死信列表或死信流。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="35" />
        <source>No longer pending for this consumer: acked, recovered or claimed elsewhere meanwhile.</source>
        <translation>对此消费者已不再待确认：期间已在别处被确认、恢复或认领。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="38" />
        <source>Its consumer stopped before it was settled; it stays pending in Redis and is delivered again when the pane restarts.</source>
        <translation>它的消费者在处理完之前已停止；它仍在 Redis 中待确认，窗格重启时会再次投递。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="276" />
        <source>pending</source>
        <translation>待确认</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="278" />
        <source>acked</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="280" />
        <source>acked (auto)</source>
        <translation>已确认（自动）</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="282" />
        <source>no ack</source>
        <translation>不确认</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="284" />
        <source>requeued</source>
        <translation>已重新入队</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="286" />
        <source>dead-lettered</source>
        <translation>已转入死信</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="288" />
        <source>gone</source>
        <translation>已不在</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="290" />
        <source>released</source>
        <translation>已释放</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="340" />
        <source>%1, message #%2</source>
        <translation>%1，第 %2 条消息</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/MessageModel.cpp" line="347" />
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n 字节</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="356" />
        <source>Redelivered: delivery %1 of this message</source>
        <translation>重新投递：此消息的第 %1 次投递</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="357" />
        <source>First delivery</source>
        <translation>首次投递</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="362" />
        <source>Client %1, %2 %3</source>
        <translation>客户端 %1，%2 %3</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="435" />
        <source>%1 (event only)</source>
        <translation>%1（仅事件）</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="444" />
        <source>(events name no client)</source>
        <translation>（事件不指明客户端）</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="455" />
        <source>→ %1</source>
        <translation>→ %1</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="460" />
        <source>?</source>
        <translation>？</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="461" />
        <source>removed</source>
        <translation>已移除</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="462" />
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="465" />
        <source>, %1 ms</source>
        <translation>，%1 毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="467" />
        <source>(inferred)</source>
        <translation>（推断）</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="477" />
        <source>A keyspace event: it names neither the message nor the client.</source>
        <translation>键空间事件：既不指明消息，也不指明客户端。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="480" />
        <source>Pushed by %1</source>
        <translation>由 %1 推入</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="482" />
        <source>Taken by %1</source>
        <translation>被 %1 取走</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="484" />
        <source>Certain: the server's own record names this message.</source>
        <translation>确定：服务器自己的记录指明了这条消息。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="485" />
        <source>Inferred: MONITOR does not show which blocked client a push served; this is worked out from the order they blocked in.</source>
        <translation>推断：MONITOR 不显示一次推入由哪个阻塞的客户端接收；这是根据它们进入阻塞的顺序推算出来的。</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="496" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="498" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="500" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="502" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="504" />
        <source>Delivery</source>
        <translation>投递</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="506" />
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="508" />
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="510" />
        <source>Producer → consumer</source>
        <translation>生产者 → 消费者</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="512" />
        <source>Preview</source>
        <translation>预览</translation>
    </message>
</context>
<context>
    <name>rqc::MessageTemplate</name>
    <message>
        <location filename="../../core/MessageTemplate.cpp" line="57" />
        <source>Unclosed placeholder at character %1: "{{" without "}}" (write {{{{ for a literal {{).</source>
        <translation>第 %1 个字符处的占位符未闭合：有 "{{" 却没有 "}}"（要表示字面量 {{，请写 {{{{）。</translation>
    </message>
    <message>
        <location filename="../../core/MessageTemplate.cpp" line="68" />
        <source>%1 at character %2 takes no arguments.</source>
        <translation>第 %2 个字符处的 %1 不接受参数。</translation>
    </message>
    <message>
        <location filename="../../core/MessageTemplate.cpp" line="87" />
        <source>%1 at character %2: write {{random LOW HIGH}} with two whole numbers.</source>
        <translation>第 %2 个字符处的 %1：请写成 {{random LOW HIGH}}，并给出两个整数。</translation>
    </message>
    <message>
        <location filename="../../core/MessageTemplate.cpp" line="93" />
        <source>%1 at character %2: the low end is above the high end.</source>
        <translation>第 %2 个字符处的 %1：下限大于上限。</translation>
    </message>
    <message>
        <location filename="../../core/MessageTemplate.cpp" line="102" />
        <source>%1 at character %2: write {{pick a b c}} with at least one word.</source>
        <translation>第 %2 个字符处的 %1：请写成 {{pick a b c}}，至少给出一个词。</translation>
    </message>
    <message>
        <location filename="../../core/MessageTemplate.cpp" line="110" />
        <source>%1 at character %2: write {{bytes SIZE}}, such as 100, 1KiB or 2MB, at most 64 MiB.</source>
        <translation>第 %2 个字符处的 %1：请写成 {{bytes SIZE}}，例如 100、1KiB 或 2MB，最大 64 MiB。</translation>
    </message>
    <message>
        <location filename="../../core/MessageTemplate.cpp" line="117" />
        <source>Empty placeholder {{}} at character %1.</source>
        <translation>第 %1 个字符处有空占位符 {{}}。</translation>
    </message>
    <message>
        <location filename="../../core/MessageTemplate.cpp" line="120" />
        <source>Unknown placeholder %1 at character %2 (known: seq, uuid, now, ts_ms, random, pick, bytes; {{{{ is a literal {{).</source>
        <translation>第 %2 个字符处有未知占位符 %1（已知的有：seq、uuid、now、ts_ms、random、pick、bytes；{{{{ 表示字面量 {{）。</translation>
    </message>
</context>
<context>
    <name>rqc::NewPaneDialog</name>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="19" />
        <source>New pane</source>
        <translation>新建窗格</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="24" />
        <source>&amp;Server:</source>
        <translation>服务器(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="39" />
        <source>list key, stream, channel or pattern</source>
        <translation>列表键、流、频道或匹配模式</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="41" />
        <source>&amp;Mode:</source>
        <translation>模式(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="42" />
        <source>&amp;Target:</source>
        <translation>目标(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="48" />
        <source>Open pane</source>
        <translation>打开窗格</translation>
    </message>
</context>
<context>
    <name>rqc::ObserveWorker</name>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="68" />
        <source>Observing with MONITOR: the server sends this console every command it runs, which costs it throughput (about half, by Redis's own measurement). Meant for development servers; source=events is cheap but shows no payloads and no clients.</source>
        <translation>正在用 MONITOR 观察：服务器会把它执行的每条命令都发给本控制台，这会消耗其吞吐量（按 Redis 自己的测量约为一半）。仅适用于开发服务器；source=events 开销很小，但不显示消息体和客户端。</translation>
    </message>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="75" />
        <source>Commands run while disconnected were not seen; who took what resumes from a fresh snapshot of the list.</source>
        <translation>断开期间执行的命令未被看到；对谁取走了哪条消息的跟踪将从列表的最新快照重新开始。</translation>
    </message>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="132" />
        <source>The server refused MONITOR: %1 — this user may not observe with MONITOR; source=events needs no such permission.</source>
        <translation>服务器拒绝了 MONITOR：%1——此用户可能没有使用 MONITOR 观察的权限；source=events 不需要此权限。</translation>
    </message>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="158" />
        <source>The observer's side connection failed (%1); retrying.</source>
        <translation>观察器的辅助连接失败（%1），正在重试。</translation>
    </message>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="179" />
        <source>Cannot check whether keyspace notifications are on: %1</source>
        <translation>无法检查键空间通知是否已开启：%1</translation>
    </message>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="190" />
        <source>Keyspace notifications are off on this server (notify-keyspace-events is "%1"): this pane will show no events. CONFIG SET notify-keyspace-events Klgt would turn them on for lists, streams and deletes; the console never changes it by itself.</source>
        <translation>此服务器关闭了键空间通知（notify-keyspace-events 为 "%1"）：此窗格将不会显示任何事件。CONFIG SET notify-keyspace-events Klgt 可为列表、流和删除操作开启通知；控制台从不自行更改该设置。</translation>
    </message>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="319" />
        <source>Client names are unknown: CLIENT LIST was refused (%1).</source>
        <translation>客户端名称未知：CLIENT LIST 被拒绝（%1）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../core/ObserveWorker.cpp" line="362" />
        <source>The observer fell more than %1 s behind the server and skipped %n command(s) to catch up; who took what resumes from a fresh snapshot.</source>
        <translation>
            <numerusform>观察器落后服务器超过 %1 秒，为追上进度跳过了 %n 条命令；对谁取走了哪条消息的跟踪将从最新快照重新开始。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="515" />
        <source>The server holds %1 MiB of MONITOR output for this observer (omem); Redis disconnects it when that reaches client-output-buffer-limit for normal clients.</source>
        <translation>服务器为此观察器积压了 %1 MiB 的 MONITOR 输出（omem）；当它达到普通客户端的 client-output-buffer-limit 时，Redis 会断开其连接。</translation>
    </message>
    <message>
        <location filename="../../core/ObserveWorker.cpp" line="521" />
        <source>The observer caught up: the server's output buffer for it is back under 1 MiB.</source>
        <translation>观察器已追上：服务器为它保留的输出缓冲区已回落到 1 MiB 以下。</translation>
    </message>
</context>
<context>
    <name>rqc::ObservedConsumers</name>
    <message>
        <location filename="../../ui/ObservedConsumers.cpp" line="91" />
        <source>Taking: nobody seen yet</source>
        <translation>正在取走：尚未看到任何消费者</translation>
    </message>
    <message>
        <location filename="../../ui/ObservedConsumers.cpp" line="92" />
        <source>Consumers appear here as the observer sees them take from this key.</source>
        <translation>观察器看到消费者从这个键取走消息后，会在这里列出它们。</translation>
    </message>
    <message>
        <location filename="../../ui/ObservedConsumers.cpp" line="106" />
        <source>%1 %2/s</source>
        <translation>%1 %2/秒</translation>
    </message>
    <message>
        <location filename="../../ui/ObservedConsumers.cpp" line="110" />
        <source>%1: %2 takes/s over 10 s, %3 in all; last took "%4" %5 s ago</source>
        <translation>%1：近 10 秒每秒取走 %2 条，共 %3 条；最近一次取走 "%4"，在 %5 秒前</translation>
    </message>
    <message>
        <location filename="../../ui/ObservedConsumers.cpp" line="111" />
        <source>%1: %2 takes/s over 10 s, %3 in all; last took "%4" %5 s ago (inferred)</source>
        <translation>%1：近 10 秒每秒取走 %2 条，共 %3 条；最近一次取走 "%4"，在 %5 秒前（推断）</translation>
    </message>
    <message>
        <location filename="../../ui/ObservedConsumers.cpp" line="115" />
        <source>Taking: %1</source>
        <translation>正在取走：%1</translation>
    </message>
</context>
<context>
    <name>rqc::OutputBufferWatch</name>
    <message>
        <location filename="../../core/OutputBufferWatch.cpp" line="53" />
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../core/OutputBufferWatch.cpp" line="58" />
        <source>%1 for %2 s</source>
        <translation>%1 持续 %2 秒</translation>
    </message>
    <message>
        <location filename="../../core/OutputBufferWatch.cpp" line="62" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../core/OutputBufferWatch.cpp" line="63" />
        <source>, or </source>
        <translation>，或 </translation>
    </message>
    <message>
        <location filename="../../core/OutputBufferWatch.cpp" line="80" />
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <location filename="../../core/OutputBufferWatch.cpp" line="82" />
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <location filename="../../core/OutputBufferWatch.cpp" line="83" />
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <location filename="../../core/OutputBufferWatch.cpp" line="182" />
        <source>the subscriber is not in CLIENT LIST</source>
        <translation>该订阅者不在 CLIENT LIST 中</translation>
    </message>
</context>
<context>
    <name>rqc::PaneChart</name>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="50" />
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="53" />
        <source>Show this queue's depth, rates, pending and consumers over the last hour (sampled once a second only while shown)</source>
        <translation>显示此队列最近一小时的深度、速率、待确认数和消费者数（仅在显示时每秒采样一次）</translation>
    </message>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="133" />
        <source>pending (processing lists found: %1)</source>
        <translation>待确认（已找到的处理列表：%1）</translation>
    </message>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="216" />
        <source>Nothing to chart in this mode: pub/sub and observe have no depth.</source>
        <translation>此模式下没有可绘制图表的内容：发布/订阅和观察模式没有深度。</translation>
    </message>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="220" />
        <source>Cannot sample %1: %2</source>
        <translation>无法采样 %1：%2</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/PaneChart.cpp" line="226" />
        <source>out/s is what this pane took; in/s is that plus the change in depth. Pending is the length of the %1:processing:* lists the sidebar's discovery has found (%n so far); a consumer's list it has not found yet is not counted.</source>
        <translation>
            <numerusform>out/s 是本窗格取走的速率；in/s 是它加上深度的变化。待确认是侧栏发现已找到的 %1:processing:* 列表的长度（目前 %n 个）；尚未找到的消费者列表不计入。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="232" />
        <source>out/s is what this pane took; in/s is that plus the change in depth.</source>
        <translation>出/秒是此窗格取走的量；入/秒是该值加上深度的变化。</translation>
    </message>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="234" />
        <source>in/s is entries added and out/s entries read by the group (XINFO GROUPS); without a group only the change in length is known.</source>
        <translation>入/秒是新增的条目数，出/秒是消费组读取的条目数（XINFO GROUPS）；没有消费组时只能得知长度的变化。</translation>
    </message>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="237" />
        <source>Nothing here consumes this list, so only its net change per second is known, not what came in and went out.</source>
        <translation>这里没有窗格在消费此列表，因此只能得知其每秒的净变化，无法得知流入和流出的量。</translation>
    </message>
    <message>
        <location filename="../../ui/PaneChart.cpp" line="239" />
        <source>Last hour, one sample a second. %1</source>
        <translation>最近一小时，每秒一个采样。%1</translation>
    </message>
</context>
<context>
    <name>rqc::PaneRecorder</name>
    <message>
        <location filename="../../ui/PaneRecorder.cpp" line="143" />
        <source>● recording to %1 — 1 row</source>
        <translation>● 正在录制到 %1 — 1 行</translation>
    </message>
    <message>
        <location filename="../../ui/PaneRecorder.cpp" line="144" />
        <source>● recording to %1 — %2 rows</source>
        <translation>● 正在录制到 %1 — %2 行</translation>
    </message>
    <message>
        <location filename="../../ui/PaneRecorder.cpp" line="148" />
        <source> (%1 waiting to be written)</source>
        <translation>（%1 行等待写入）</translation>
    </message>
    <message>
        <location filename="../../ui/PaneRecorder.cpp" line="151" />
        <source>At each refresh, the rows that came into this peek view or left it are written to %1 (JSON Lines). File › Stop recording ends it.</source>
        <translation>每次刷新时，进入或离开此查看视图的行都会写入 %1（JSON Lines）。“文件 › 停止录制”可结束录制。</translation>
    </message>
    <message>
        <location filename="../../ui/PaneRecorder.cpp" line="155" />
        <source>Every row this pane receives is written to %1 (JSON Lines), also while the view is paused. File › Stop recording ends it.</source>
        <translation>此窗格收到的每一行都会写入 %1（JSON Lines），视图暂停时也是如此。“文件 › 停止录制”可结束录制。</translation>
    </message>
</context>
<context>
    <name>rqc::PaneStatusLine</name>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="35" />
        <source>Dropped: messages received but no longer kept in the view (the view keeps the newest %1).</source>
        <translation>已丢弃：已接收但不再保留在视图中的消息（视图只保留最新的 %1 条）。</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="41" />
        <source>This consumer since it started: requeued %1, gone %2 (settled elsewhere meanwhile), trimmed %3 (deleted from the stream while pending).</source>
        <translation>此消费者自启动以来：重新入队 %1，已不在 %2（期间在别处已处理），已裁剪 %3（待确认期间从流中删除）。</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="48" />
        <source>The depth was read before the latest messages were consumed, so it may be lower now; it is read again as soon as the consumer is idle.</source>
        <translation>深度是在最近的消息被消费之前读取的，因此现在可能更低；消费者空闲时会立即重新读取。</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="62" />
        <source>received %1</source>
        <translation>已接收 %1</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="63" />
        <source>%1 msg/s</source>
        <translation>%1 条/秒</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="66" />
        <source>acked %1</source>
        <translation>已确认 %1</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="67" />
        <source>pending %1</source>
        <translation>待确认 %1</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="68" />
        <source>redelivered %1</source>
        <translation>重新投递 %1</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="69" />
        <source>dead %1</source>
        <translation>死信 %1</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="74" />
        <source> (%1)</source>
        <translation>（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="77" />
        <source>depth %1 (read %2 s ago)</source>
        <translation>深度 %1（%2 秒前读取）</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="80" />
        <source>depth %1</source>
        <translation>深度 %1</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="82" />
        <source>length %1</source>
        <translation>长度 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/PaneStatusLine.cpp" line="84" />
        <source>%n subscriber(s)</source>
        <translation>
            <numerusform>%n 个订阅者</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="86" />
        <source>subscribers %1</source>
        <translation>订阅者 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/PaneStatusLine.cpp" line="88" />
        <source>last publish reached %n subscriber(s)</source>
        <translation>
            <numerusform>上次发布送达了 %n 个订阅者</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="89" />
        <source>dropped %1</source>
        <translation>已丢弃 %1</translation>
    </message>
    <message>
        <location filename="../../ui/PaneStatusLine.cpp" line="93" />
        <source>paused, %1 held back</source>
        <translation>已暂停，暂存 %1 条</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadDecoder</name>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="164" />
        <source>%1: %2 → %3</source>
        <translation>%1：%2 → %3</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="168" />
        <source>(cut at %1)</source>
        <translation>（截断于 %1）</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="199" />
        <source>not one JSON value</source>
        <translation>不是单个 JSON 值</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="310" />
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="312" />
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="314" />
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="316" />
        <source>MessagePack</source>
        <translation>MessagePack</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="318" />
        <source>gzip</source>
        <translation>gzip</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="320" />
        <source>zlib</source>
        <translation>zlib</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="322" />
        <source>zstd</source>
        <translation>zstd</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="324" />
        <source>base64</source>
        <translation>base64</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="326" />
        <source>Protobuf (raw)</source>
        <translation>Protobuf（原始）</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="328" />
        <source>Pickle (disassembled)</source>
        <translation>Pickle（反汇编）</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="330" />
        <source>Bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <location filename="../../core/PayloadDecoder.cpp" line="389" />
        <source>%1: cannot decode at byte %2: %3</source>
        <translation>%1：在第 %2 字节处无法解码：%3</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadDecoder::detail</name>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="44" />
        <source>too large to decompress</source>
        <translation>太大，无法解压缩</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="47" />
        <source>zlib could not start</source>
        <translation>zlib 无法初始化</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="73" />
        <source>%1 byte(s) after the end of the compressed data</source>
        <translation>压缩数据结束后还有 %1 字节</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="79" />
        <location filename="../../core/DecodeCompressed.cpp" line="125" />
        <location filename="../../core/DecodeCompressed.cpp" line="129" />
        <source>the compressed data is cut short</source>
        <translation>压缩数据被截断</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="82" />
        <source>needs a preset dictionary</source>
        <translation>需要预设字典</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="84" />
        <source>zlib error %1</source>
        <translation>zlib 错误 %1</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="99" />
        <source>zstd could not start</source>
        <translation>zstd 无法初始化</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="157" />
        <source>'%1' after the padding</source>
        <translation>填充之后出现 '%1'</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="165" />
        <source>'%1' is not a base64 character</source>
        <translation>'%1' 不是 base64 字符</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="166" />
        <source>byte 0x%1 is not a base64 character</source>
        <translation>字节 0x%1 不是 base64 字符</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="169" />
        <source>mixes the standard and the URL-safe alphabet</source>
        <translation>混用了标准字母表和 URL 安全字母表</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="173" />
        <location filename="../../core/DecodePickle.cpp" line="506" />
        <location filename="../../core/DecodeProtobuf.cpp" line="167" />
        <source>the payload is empty</source>
        <translation>消息体为空</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="177" />
        <source>%1 characters cannot be base64</source>
        <translation>长度为 %1 个字符，不可能是 base64</translation>
    </message>
    <message>
        <location filename="../../core/DecodeCompressed.cpp" line="179" />
        <source>wrong padding</source>
        <translation>填充错误</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadDecoder::detail::Disassembler</name>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="40" />
        <source>unknown opcode 0x%1</source>
        <translation>未知操作码 0x%1</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="69" />
        <source>the pickle ends without STOP</source>
        <translation>pickle 结束时没有 STOP</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="72" />
        <source>%1 byte(s) after STOP</source>
        <translation>STOP 之后还有 %1 字节</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="78" />
        <source>%1 byte(s) after STOP not read</source>
        <translation>STOP 之后的 %1 字节未读取</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="99" />
        <source>argument needs %1 byte(s), %2 left</source>
        <translation>参数需要 %1 字节，只剩 %2 字节</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="112" />
        <source>argument has no end of line</source>
        <translation>参数没有行结束符</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="169" />
        <location filename="../../core/DecodePickle.cpp" line="196" />
        <source>negative length %1</source>
        <translation>负长度 %1</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="209" />
        <source>&lt;%1-byte integer&gt;</source>
        <translation>&lt;%1 字节整数&gt;</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="222" />
        <location filename="../../core/DecodePickle.cpp" line="244" />
        <source>stack underflow</source>
        <translation>栈下溢</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="223" />
        <source>expected an object, found MARK</source>
        <translation>应为对象，却遇到 MARK</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="235" />
        <source>no MARK on the stack</source>
        <translation>栈上没有 MARK</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="267" />
        <source>%1 on something that is not a %2</source>
        <translation>%1 作用于非 %2 的对象</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="284" />
        <source>stack not empty after STOP (%1 left)</source>
        <translation>STOP 之后栈不为空（剩余 %1 项）</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="385" />
        <source>DICT with an odd number of items</source>
        <translation>DICT 的项数为奇数</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="397" />
        <source>OBJ without a class</source>
        <translation>OBJ 缺少类</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="426" />
        <source>SETITEMS with an odd number of items</source>
        <translation>SETITEMS 的项数为奇数</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="450" />
        <source>memo has no entry %1</source>
        <translation>memo 中没有条目 %1</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="467" />
        <source>unknown pickle protocol %1</source>
        <translation>未知的 pickle 协议 %1</translation>
    </message>
    <message>
        <location filename="../../core/DecodePickle.cpp" line="476" />
        <source>opcode %1 not handled</source>
        <translation>未处理的操作码 %1</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadDecoder::detail::MsgpackReader</name>
    <message>
        <location filename="../../core/DecodeMsgpack.cpp" line="31" />
        <source>the payload is empty</source>
        <translation>消息体为空</translation>
    </message>
    <message numerus="yes">
        <location filename="../../core/DecodeMsgpack.cpp" line="37" />
        <source>%n byte(s) after the first value</source>
        <translation>
            <numerusform>第一个值之后还有 %n 字节</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../core/DecodeMsgpack.cpp" line="56" />
        <source>%1 needs %2 byte(s), %3 left</source>
        <translation>%1 需要 %2 字节，只剩 %3 字节</translation>
    </message>
    <message>
        <location filename="../../core/DecodeMsgpack.cpp" line="70" />
        <source>nested deeper than %1 levels</source>
        <translation>嵌套超过 %1 层</translation>
    </message>
    <message>
        <location filename="../../core/DecodeMsgpack.cpp" line="94" />
        <source>byte 0xc1 is never used in MessagePack</source>
        <translation>字节 0xc1 在 MessagePack 中从不使用</translation>
    </message>
    <message>
        <location filename="../../core/DecodeMsgpack.cpp" line="270" />
        <source>array of %1 elements, only %2 byte(s) left</source>
        <translation>数组有 %1 个元素，但只剩 %2 字节</translation>
    </message>
    <message>
        <location filename="../../core/DecodeMsgpack.cpp" line="269" />
        <source>map of %1 entries, only %2 byte(s) left</source>
        <translation>映射有 %1 个条目，但只剩 %2 字节</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadDecoder::detail::Parser</name>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="30" />
        <source>varint cut short by the end</source>
        <translation>varint 被数据末尾截断</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="38" />
        <source>varint longer than 10 bytes</source>
        <translation>varint 超过 10 字节</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="54" />
        <source>field number 0 is not allowed</source>
        <translation>不允许字段编号 0</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="56" />
        <source>field number %1 is too large</source>
        <translation>字段编号 %1 太大</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="59" />
        <source>end of group %1 without its start</source>
        <translation>组 %1 的结束标记没有对应的开始标记</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="78" />
        <source>fixed%1 needs %2 bytes, %3 left</source>
        <translation>fixed%1 需要 %2 字节，只剩 %3 字节</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="97" />
        <source>length %1 runs past the end (%2 bytes left)</source>
        <translation>长度 %1 超出了末尾（只剩 %2 字节）</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="113" />
        <source>groups nested deeper than %1</source>
        <translation>组嵌套超过 %1 层</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="127" />
        <source>wire type %1 is not defined</source>
        <translation>wire type %1 未定义</translation>
    </message>
    <message>
        <location filename="../../core/DecodeProtobuf.cpp" line="130" />
        <source>group %1 is not closed</source>
        <translation>组 %1 未闭合</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadFile</name>
    <message>
        <location filename="../../core/PayloadFile.cpp" line="31" />
        <location filename="../../core/PayloadFile.cpp" line="42" />
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFile.cpp" line="35" />
        <source>%1 is %2: files up to %3 can be sent.</source>
        <translation>%1 的大小为 %2：只能发送不超过 %3 的文件。</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFile.cpp" line="51" />
        <source>%1 has no lines to send.</source>
        <translation>%1 中没有可发送的行。</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadFormat</name>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="350" />
        <source>… %1 more not shown (%2 in total)</source>
        <translation>… 还有 %1 未显示（共 %2）</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="359" />
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="361" />
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="362" />
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="363" />
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="364" />
        <source>%1 TiB</source>
        <translation>%1 TiB</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadView</name>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="49" />
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="50" />
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="51" />
        <source>Hex</source>
        <translation>十六进制</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="52" />
        <location filename="../../ui/PayloadView.cpp" line="84" />
        <location filename="../../ui/PayloadView.cpp" line="150" />
        <source>Decoded</source>
        <translation>已解码</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="90" />
        <source>Decoded (failed)</source>
        <translation>解码（失败）</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="113" />
        <source>(empty payload)</source>
        <translation>（空消息体）</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="120" />
        <source>No payload field in this entry; its fields:</source>
        <translation>此条目没有载荷字段；它的字段：</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="138" />
        <source>Too large to parse as JSON</source>
        <translation>太大，无法按 JSON 解析</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="139" />
        <source>The payload is not valid JSON</source>
        <translation>消息体不是有效的 JSON</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="152" />
        <source>No message selected</source>
        <translation>未选择消息</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="176" />
        <source>… %1 more not shown (%2 in total); see Hex or export</source>
        <translation>… 还有 %1 未显示（共 %2）；请查看十六进制或导出</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="240" />
        <source>pushed by %1</source>
        <translation>由 %1 推入</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="242" />
        <source>taken by %1</source>
        <translation>被 %1 取走</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="244" />
        <source>(inferred)</source>
        <translation>（推断）</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="246" />
        <source>after %1 ms</source>
        <translation>%1 毫秒后</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="251" />
        <source>acked after %1 ms</source>
        <translation>%1 毫秒后确认</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="252" />
        <source>acked</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="270" />
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="272" />
        <source>id %1</source>
        <translation>ID %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/PayloadView.cpp" line="274" />
        <source>delivered %n time(s)</source>
        <translation>
            <numerusform>已投递 %n 次</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rqc::PeekModel</name>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="19" />
        <source>next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="22" />
        <location filename="../../ui/PeekModel.cpp" line="31" />
        <source>%1th</source>
        <translation>第 %1 个</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="25" />
        <source>%1st</source>
        <translation>第 %1 个</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="27" />
        <source>%1nd</source>
        <translation>第 %1 个</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="29" />
        <source>%1rd</source>
        <translation>第 %1 个</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="129" />
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="131" />
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="133" />
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="134" />
        <source>%1 d</source>
        <translation>%1 天</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/PeekModel.cpp" line="156" />
        <source>… %n element(s) not shown (indices %1 to %2) — use the pager …</source>
        <translation>
            <numerusform>… 还有 %n 个元素未显示（索引 %1 至 %2）——请使用翻页控件 …</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="197" />
        <source>Added %1 (from the entry id)</source>
        <translation>添加于 %1（根据条目 ID）</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="214" />
        <source>next ← BRPOP</source>
        <translation>下一个 ← BRPOP</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="224" />
        <source>Next to be taken by BRPOP consumers (FIFO consumers take from the tail, the end of the list)</source>
        <translation>下一个将被 BRPOP 消费者取走（FIFO 消费者从尾部，即列表末端取出）</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="226" />
        <source>%1 to be taken by BRPOP consumers</source>
        <translation>%1将被 BRPOP 消费者取走</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/PeekModel.cpp" line="228" />
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n 字节</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="252" />
        <source>Entry id</source>
        <translation>条目 ID</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="252" />
        <source>Index</source>
        <translation>索引</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="254" />
        <source>Age</source>
        <translation>存在时长</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="254" />
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="256" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="258" />
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../ui/PeekModel.cpp" line="258" />
        <source>Payload</source>
        <translation>消息体</translation>
    </message>
</context>
<context>
    <name>rqc::PeekReaderWorker</name>
    <message>
        <location filename="../../core/PeekReader.cpp" line="200" />
        <source>Keyspace notifications are off on this server (notify-keyspace-events "%1").</source>
        <translation>此服务器关闭了键空间通知（notify-keyspace-events 为 "%1"）。</translation>
    </message>
    <message>
        <location filename="../../core/PeekReader.cpp" line="202" />
        <source>Could not read notify-keyspace-events: %1</source>
        <translation>无法读取 notify-keyspace-events：%1</translation>
    </message>
    <message>
        <location filename="../../core/PeekReader.cpp" line="228" />
        <source>Refreshed on keyspace notifications (notify-keyspace-events "%1").</source>
        <translation>根据键空间通知刷新（notify-keyspace-events 为 "%1"）。</translation>
    </message>
    <message>
        <location filename="../../core/PeekReader.cpp" line="237" />
        <source>Notifications connection lost: %1</source>
        <translation>通知连接已断开：%1</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="49" />
        <location filename="../../core/PeekActions.cpp" line="114" />
        <location filename="../../core/PeekActions.cpp" line="139" />
        <source>Not connected to the server.</source>
        <translation>未连接到服务器。</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="71" />
        <source>Name the list to move the element to.</source>
        <translation>请填写要把元素移到的列表名。</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="84" />
        <source>The element moved or was taken since it was shown (index %1 holds something else now): nothing changed.</source>
        <translation>该元素在显示之后已被移动或取走（索引 %1 上现在是别的内容）：未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="91" />
        <source>Deleted the element at index %1.</source>
        <translation>已删除索引 %1 处的元素。</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="95" />
        <source>Pushed a copy of the element to the consuming end (RPUSH).</source>
        <translation>已将该元素的副本推入消费端（RPUSH）。</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="98" />
        <source>Moved the element at index %1 to %2.</source>
        <translation>已将索引 %1 处的元素移到 %2。</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="124" />
        <source>Entry %1 was already gone: nothing changed.</source>
        <translation>条目 %1 已不存在：未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="127" />
        <source>Deleted entry %1 (XDEL).</source>
        <translation>已删除条目 %1（XDEL）。</translation>
    </message>
    <message>
        <location filename="../../core/PeekActions.cpp" line="164" />
        <source>notify-keyspace-events is now "%1" (was "%2").</source>
        <translation>notify-keyspace-events 现在为 "%1"（原为 "%2"）。</translation>
    </message>
</context>
<context>
    <name>rqc::PeekView</name>
    <message>
        <location filename="../../ui/PeekView.cpp" line="50" />
        <source>Turn on notifications…</source>
        <translation>开启通知…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="52" />
        <source>Asks the server to publish keyspace notifications, so this view refreshes on changes instead of polling. Confirmed first: it changes the server for every client.</source>
        <translation>请求服务器发布键空间通知，使此视图在发生变化时刷新，而不是轮询。会先请你确认：这会更改服务器设置，影响所有客户端。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="76" />
        <source>Show from index:</source>
        <translation>从索引开始显示：</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="81" />
        <source>Index from the head (0 = the element pushed last by LPUSH)</source>
        <translation>从头部算起的索引（0 = 最后一次 LPUSH 推入的元素）</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="89" />
        <source>Page up</source>
        <translation>上一页</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="90" />
        <source>Page down</source>
        <translation>下一页</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="91" />
        <source>Hide page</source>
        <translation>隐藏该页</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="124" />
        <source>Newest</source>
        <translation>最新</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="125" />
        <source>Newer</source>
        <translation>较新</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="126" />
        <source>Older</source>
        <translation>较旧</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="127" />
        <source>Oldest</source>
        <translation>最旧</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="167" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="167" />
        <source>Copy the element's bytes</source>
        <translation>复制该元素的字节</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="170" />
        <source>Save to file…</source>
        <translation>保存到文件…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="171" />
        <source>Write the element's bytes to a file, exactly</source>
        <translation>将该元素的字节原样写入文件</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="172" />
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="173" />
        <source>Remove this element (only this one, even if others are equal)</source>
        <translation>移除此元素（只移除这一个，即使有其他相同的元素）</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="175" />
        <source>Move to list…</source>
        <translation>移到列表…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="175" />
        <source>Remove it here, LPUSH it to a list</source>
        <translation>从这里移除，并 LPUSH 到某个列表</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="176" />
        <source>Requeue a copy…</source>
        <translation>重新入队一个副本…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="177" />
        <source>RPUSH a copy to the consuming end: it is taken next</source>
        <translation>将副本 RPUSH 到消费端：它会被下一个取走</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="178" />
        <source>Move to dead list…</source>
        <translation>移到死信列表…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="179" />
        <source>Remove it here, LPUSH it to &lt;key&gt;:dead</source>
        <translation>从这里移除，并 LPUSH 到 &lt;key&gt;:dead</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="181" />
        <source>Delete entry (XDEL)…</source>
        <translation>删除条目（XDEL）…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="181" />
        <source>Delete this stream entry</source>
        <translation>删除此流条目</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="223" />
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="311" />
        <source>%1: empty / does not exist</source>
        <translation>%1：为空 / 不存在</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="314" />
        <source>%1 is a %2, not a list or stream: nothing to show</source>
        <translation>%1 是 %2 类型，不是列表或流：没有可显示的内容</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="319" />
        <source>Depth %1</source>
        <translation>深度 %1</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="321" />
        <source> · in %1/s · out %2/s (notification events: one per command, not per element)</source>
        <translation> · 入 %1/秒 · 出 %2/秒（通知事件：每条命令一个，而非每个元素一个）</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="325" />
        <source> · net %1%2/s</source>
        <translation> · 净 %1%2/秒</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="329" />
        <source> (polling: only the net change of the length is known)</source>
        <translation>（轮询：只能得知长度的净变化）</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="336" />
        <source>Top: head (producers LPUSH here). Bottom: tail ← next to be taken by BRPOP consumers. Reading only: nothing is taken.</source>
        <translation>顶部：头部（生产者在此 LPUSH）。底部：尾部 ← 下一个被 BRPOP 消费者取走。只读：不取走任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="339" />
        <source>Newest entries first; the age comes from each entry's id. Reading only: nothing is acknowledged or deleted.</source>
        <translation>最新的条目在前；存在时长根据各条目的 ID 计算。只读：不确认也不删除任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="347" />
        <source>WRONGTYPE: %1 holds a %2</source>
        <translation>WRONGTYPE：%1 是 %2 类型</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="359" />
        <source>live: keyspace notifications</source>
        <translation>实时：键空间通知</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="362" />
        <source>live: polling 4×/s</source>
        <translation>实时：每秒轮询 4 次</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="365" />
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="457" />
        <source>the element at index %1 (%2 to be taken), %3: “%4”</source>
        <translation>索引 %1 处的元素（%2将被取走），%3：“%4”</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="471" />
        <source>Select an element first.</source>
        <translation>请先选择一个元素。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="27" />
        <source>It runs as one script that first checks the element is still there; if it moved or was taken meanwhile, nothing changes.</source>
        <translation>它作为一个脚本运行，先检查该元素是否仍在原处；如果期间它已被移动或取走，则不做任何更改。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="34" />
        <source>Delete element</source>
        <translation>删除元素</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="35" />
        <source>Delete %1 from %2? Only this element is removed, even if others are equal. Consumers will never get it.</source>
        <translation>从 %2 中删除%1？只会移除这一个元素，即使有其他相同的元素。消费者将永远收不到它。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="38" />
        <location filename="../../ui/PeekActionPrompt.cpp" line="73" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="43" />
        <location filename="../../ui/PeekActionPrompt.cpp" line="48" />
        <source>Move element</source>
        <translation>移动元素</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="43" />
        <source>Move to list (LPUSH):</source>
        <translation>移到列表（LPUSH）：</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="49" />
        <source>Move %1 from %2 to the list %3 (removed here, LPUSHed there)?</source>
        <translation>将%1从 %2 移到列表 %3（从这里移除，并 LPUSH 到那里）？</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="51" />
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="55" />
        <source>Requeue a copy</source>
        <translation>重新入队一个副本</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="56" />
        <source>Push a copy of %1 to the consuming end of %2 (RPUSH)? It will be the next element BRPOP consumers take; the original stays where it is.</source>
        <translation>将%1的副本推入 %2 的消费端（RPUSH）？它将成为 BRPOP 消费者取走的下一个元素；原元素保留在原处。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="59" />
        <source>Requeue</source>
        <translation>重新入队</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="63" />
        <location filename="../../ui/PeekActionPrompt.cpp" line="66" />
        <source>Move to dead list</source>
        <translation>移到死信列表</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="64" />
        <source>Move %1 from %2 to the dead list %3 (removed here, LPUSHed there)?</source>
        <translation>将%1从 %2 移到死信列表 %3（从这里移除，并 LPUSH 到那里）？</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="69" />
        <source>Delete entry</source>
        <translation>删除条目</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="70" />
        <source>Delete entry %1 from the stream %2 (XDEL)? Consumer groups that have not read it will never get it; pending references to it stay in their PEL.</source>
        <translation>从流 %2 中删除条目 %1（XDEL）？尚未读取它的消费组将永远收不到它；对它的待确认引用仍保留在各自的 PEL 中。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="481" />
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="86" />
        <source>Turn on keyspace notifications on this server?

This runs CONFIG SET notify-keyspace-events, adding K (keyspace channel) and l (list events; t for streams) to what is set now. It changes the server for every client: from then on, every write to every list publishes a notification, which costs the server a little on each write, and clients subscribed to notifications start receiving them. It stays on until someone changes it back (and is lost on restart unless written to the configuration file).</source>
        <translation>要在此服务器上开启键空间通知吗？

这会执行 CONFIG SET notify-keyspace-events，在当前设置的基础上添加 K（键空间频道）和 l（列表事件；流为 t）。它会更改服务器设置，影响所有客户端：此后每个列表的每次写入都会发布一条通知，每次写入都会给服务器带来少许开销，订阅了通知的客户端也会开始收到这些通知。该设置会一直生效，直到有人改回（除非写入配置文件，否则重启后会失效）。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="93" />
        <source>Turn on notifications</source>
        <translation>开启通知</translation>
    </message>
    <message>
        <location filename="../../ui/PeekActionPrompt.cpp" line="93" />
        <source>Turn on</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="507" />
        <source>Copied %1.</source>
        <translation>已复制 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="516" />
        <source>Save element</source>
        <translation>保存元素</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="522" />
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/PeekView.cpp" line="525" />
        <source>Saved %1 to %2.</source>
        <translation>已将 %1 保存到 %2。</translation>
    </message>
</context>
<context>
    <name>rqc::PubSubConsumer</name>
    <message>
        <location filename="../../core/PubSubConsumer.cpp" line="28" />
        <source>Messages published while disconnected are gone: pub/sub keeps nothing for absent subscribers.</source>
        <translation>断开期间发布的消息已丢失：发布/订阅不会为不在线的订阅者保留任何消息。</translation>
    </message>
    <message>
        <location filename="../../core/PubSubConsumer.cpp" line="147" />
        <source>Redis closed the subscription: its output buffer passed the pubsub limit — messages were lost.</source>
        <translation>Redis 关闭了订阅：其输出缓冲区超过了 pubsub 上限——消息已丢失。</translation>
    </message>
    <message>
        <location filename="../../core/PubSubConsumer.cpp" line="150" />
        <source>Redis dropped at least %1 queued for this subscriber (limit: %2; last reading %3).</source>
        <translation>Redis 丢弃了至少 %1 为此订阅者排队的数据（上限：%2；最近一次读数：%3）。</translation>
    </message>
    <message>
        <location filename="../../core/PubSubConsumer.cpp" line="157" />
        <source>At the average size of the %1 message(s) received, that is at least %2 message(s).</source>
        <translation>按已收到的 %1 条消息的平均大小计算，至少相当于 %2 条消息。</translation>
    </message>
</context>
<context>
    <name>rqc::Publisher</name>
    <message>
        <location filename="../../core/Publisher.cpp" line="483" />
        <source>A stream entry needs at least one field.</source>
        <translation>Stream 条目至少需要一个字段。</translation>
    </message>
    <message>
        <location filename="../../core/Publisher.cpp" line="484" />
        <location filename="../../core/Publisher.cpp" line="498" />
        <location filename="../../core/PublisherLoad.cpp" line="133" />
        <source>The publisher is stopped; nothing was sent.</source>
        <translation>发布器已停止，没有发送任何消息。</translation>
    </message>
</context>
<context>
    <name>rqc::PublisherWorker</name>
    <message>
        <location filename="../../core/Publisher.cpp" line="94" />
        <source>Not sent: %1</source>
        <translation>未发送：%1</translation>
    </message>
    <message>
        <location filename="../../core/Publisher.cpp" line="143" />
        <source>Connection lost while sending to %1: %2 of %3 acknowledged; %4 sent without an answer (they may or may not have reached Redis) and %5 not sent. Nothing was retried.</source>
        <translation>向 %1 发送时连接断开：%3 条中已确认 %2 条；%4 条已发出但未收到应答（可能已到达 Redis，也可能没有），%5 条未发送。没有进行任何重试。</translation>
    </message>
    <message>
        <location filename="../../core/Publisher.cpp" line="196" />
        <location filename="../../core/PublisherLoad.cpp" line="31" />
        <source>The publisher is stopped; nothing was sent.</source>
        <translation>发布器已停止，没有发送任何消息。</translation>
    </message>
    <message>
        <location filename="../../core/Publisher.cpp" line="350" />
        <source>Part of the burst to %1 was answered MOVED: the key's slot moved while sending; %2 of %3 acknowledged, nothing was retried.</source>
        <translation>发往 %1 的这批消息中有一部分收到了 MOVED 应答：发送期间该键的槽发生了迁移；%3 条中有 %2 条得到确认，未重试任何消息。</translation>
    </message>
    <message>
        <location filename="../../core/Publisher.cpp" line="422" />
        <source>Stopped with %1 messages to %2 sent but not yet acknowledged.</source>
        <translation>停止时，发往 %2 的 %1 条消息已发出但尚未确认。</translation>
    </message>
    <message>
        <location filename="../../core/PublisherLoad.cpp" line="27" />
        <source>A load run needs a number of messages or a duration.</source>
        <translation>压测需要指定消息数或持续时间。</translation>
    </message>
</context>
<context>
    <name>rqc::QueueInspector</name>
    <message>
        <location filename="../../core/QueueInspector.cpp" line="573" />
        <source>The inspector is not running.</source>
        <translation>检查器未在运行。</translation>
    </message>
</context>
<context>
    <name>rqc::QueueInspectorWorker</name>
    <message>
        <location filename="../../core/QueueInspector.cpp" line="148" />
        <source>Connection lost before Redis answered (%1); the outcome is unknown.</source>
        <translation>在 Redis 应答之前连接已断开（%1）；结果未知。</translation>
    </message>
    <message>
        <location filename="../../core/QueueInspector.cpp" line="169" />
        <location filename="../../core/QueueInspectorActions.cpp" line="48" />
        <source>The inspector stopped.</source>
        <translation>检查器已停止。</translation>
    </message>
</context>
<context>
    <name>rqc::QueuePane</name>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="100" />
        <source>The list key, stream, channel or pattern this pane consumes. Press Enter to switch.</source>
        <translation>此窗格消费的列表键、流、频道或匹配模式。按回车键切换。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="113" />
        <source>How this pane consumes; switching restarts its consumer.</source>
        <translation>此窗格的消费方式；切换后会重启消费者。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="121" />
        <source>Close this pane (its consumer stops)</source>
        <translation>关闭此窗格（其消费者随之停止）</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneView.cpp" line="39" />
        <source>Filter by source or content…</source>
        <translation>按来源或内容过滤…</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneView.cpp" line="44" />
        <location filename="../../ui/QueuePaneView.cpp" line="203" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneView.cpp" line="47" />
        <source>Freeze the view. Messages are still consumed and counted; those arriving meanwhile are held back and shown on resume.</source>
        <translation>冻结视图。消息仍会被消费和计数；期间到达的消息会先暂存，恢复后再显示。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneView.cpp" line="50" />
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneView.cpp" line="52" />
        <source>Remove the messages from the view (totals stay). Messages waiting for your ack stay too.</source>
        <translation>从视图中移除消息（统计总数保留）。等待你确认的消息也会保留。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneConsumer.cpp" line="36" />
        <source>Peeking</source>
        <translation>只读查看中</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneConsumer.cpp" line="37" />
        <source>Reading only: nothing is taken from the list.</source>
        <translation>只读：不会从列表中取走任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneConsumer.cpp" line="74" />
        <source>Connection lost at %1: %2 — reconnecting…</source>
        <translation>%1 连接断开：%2——正在重连…</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneConsumer.cpp" line="82" />
        <source>The connection was down from %1 to %2.</source>
        <translation>连接在 %1 至 %2 期间中断。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePaneView.cpp" line="203" />
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="415" />
        <source>Not connected to a server yet.</source>
        <translation>尚未连接到服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="434" />
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="67" />
        <location filename="../../ui/QueuePane.cpp" line="198" />
        <location filename="../../ui/QueuePane.cpp" line="436" />
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>rqc::ReadingAids</name>
    <message>
        <location filename="../../ui/ReadingAids.cpp" line="33" />
        <source>How payloads are read in the list, the payload view and the filter: Auto recognises JSON, MessagePack, gzip/zlib/zstd, base64, protobuf and pickles by their bytes; a fixed decoder says where and why a payload does not decode</source>
        <translation>列表、消息体视图和过滤器中消息体的解读方式：“自动”会根据字节识别 JSON、MessagePack、gzip/zlib/zstd、base64、protobuf 和 pickle；固定的解码器则会指出消息体在哪里、为什么无法解码</translation>
    </message>
    <message>
        <location filename="../../ui/ReadingAids.cpp" line="53" />
        <source>Newest first</source>
        <translation>最新在前</translation>
    </message>
    <message>
        <location filename="../../ui/ReadingAids.cpp" line="56" />
        <source>Show the newest message at the top of the list (new rows come in above). Scrolled down, the rows you read stay in sight while more arrive.</source>
        <translation>在列表顶部显示最新消息（新行从上方进入）。向下滚动时，你正在阅读的行在更多消息到达时仍保持可见。</translation>
    </message>
    <message>
        <location filename="../../ui/ReadingAids.cpp" line="61" />
        <source>Wrap</source>
        <translation>换行</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/ReadingAids.cpp" line="63" />
        <source>Wrap long previews onto up to %n lines instead of cutting them at one line</source>
        <translation>
            <numerusform>将长预览换行显示为最多 %n 行，而不是截断为一行</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rqc::RecordingReader</name>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="45" />
        <source>both %1 and %2 are given</source>
        <translation>同时给出了 %1 和 %2</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="50" />
        <source>%1 is not a string</source>
        <translation>%1 不是字符串</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="58" />
        <source>%1 is not valid base64</source>
        <translation>%1 不是有效的 base64</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="65" />
        <source>%1 (or %2) is missing</source>
        <translation>缺少 %1（或 %2）</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="76" />
        <location filename="../../core/RecordingReader.cpp" line="190" />
        <source>%1 is missing</source>
        <translation>缺少 %1</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="82" />
        <source>%1 is not a whole number of at least %2</source>
        <translation>%1 不是不小于 %2 的整数</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="127" />
        <source>not JSON (%1 at character %2)</source>
        <translation>不是 JSON（%1，位于第 %2 个字符）</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="133" />
        <source>not a JSON object</source>
        <translation>不是 JSON 对象</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="145" />
        <source>"client" is not an object</source>
        <translation>"client" 不是对象</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="152" />
        <source>in "client": </source>
        <translation>在 "client" 中：</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="158" />
        <source>"kind" is not one of produce, consume, ack, remove, other</source>
        <translation>"kind" 不是 produce、consume、ack、remove、other 之一</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="163" />
        <source>"certain" is missing or not true/false</source>
        <translation>"certain" 缺失或不是 true/false</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="181" />
        <source>"event" of a peek row is not one of peek, entry, gone</source>
        <translation>peek 行的 "event" 不是 peek、entry、gone 之一</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="186" />
        <source>"section" is not one of head, tail, page</source>
        <translation>"section" 不是 head、tail、page 之一</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="195" />
        <source>a peek row needs "index", "position" and "section"</source>
        <translation>peek 行需要 "index"、"position" 和 "section"</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="199" />
        <source>an entry row needs "id"</source>
        <translation>entry 行需要 "id"</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="203" />
        <source>a gone row needs "id", or "index", "position" and "section"</source>
        <translation>gone 行需要 "id"，或 "index"、"position" 和 "section"</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="225" />
        <source>not a recording header (no "rqconsole_recording")</source>
        <translation>不是录制文件头（没有 "rqconsole_recording"）</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="231" />
        <source>written in format %1; this build reads format %2 and older</source>
        <translation>以格式 %1 写入；此版本只能读取格式 %2 及更早的格式</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="250" />
        <source>a second header inside the recording</source>
        <translation>录制文件中出现了第二个文件头</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="258" />
        <source>"mode" is missing or not one of %1</source>
        <translation>"mode" 缺失或不是 %1 之一</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="276" />
        <source>"delivery" is out of range</source>
        <translation>"delivery" 超出范围</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="291" />
        <source>"fields" is not an array</source>
        <translation>"fields" 不是数组</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="301" />
        <source>field %1 is not [name, value] (each a string or {"b64": …})</source>
        <translation>字段 %1 不是 [name, value]（每项为字符串或 {"b64": …}）</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="326" />
        <source>Cannot read %1: %2.</source>
        <translation>无法读取 %1：%2。</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="335" />
        <source>the file is empty</source>
        <translation>文件为空</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="337" />
        <source>%1 is not an rqconsole recording: line 1: %2.</source>
        <translation>%1 不是 rqconsole 录制文件：第 1 行：%2。</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="351" />
        <source>Reading %1 failed at line %2: %3.</source>
        <translation>读取 %1 时在第 %2 行失败：%3。</translation>
    </message>
    <message>
        <location filename="../../core/RecordingReader.cpp" line="368" />
        <source>the last line is cut short (%1)</source>
        <translation>最后一行不完整（%1）</translation>
    </message>
</context>
<context>
    <name>rqc::RecordingSink</name>
    <message>
        <location filename="../../core/RecordingSink.cpp" line="35" />
        <source>Cannot record to %1: %2.</source>
        <translation>无法录制到 %1：%2。</translation>
    </message>
    <message>
        <location filename="../../core/RecordingSink.cpp" line="79" />
        <source>Recording to %1 stopped after %2 rows: %3.</source>
        <translation>录制到 %1 在写入 %2 行后停止：%3。</translation>
    </message>
    <message>
        <location filename="../../core/RecordingSink.cpp" line="95" />
        <source>Recording to %1 could not be closed: %2.</source>
        <translation>无法关闭录制文件 %1：%2。</translation>
    </message>
</context>
<context>
    <name>rqc::RedisCliImport</name>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="41" />
        <source>A quote (') is not closed.</source>
        <translation>引号（'）未闭合。</translation>
    </message>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="52" />
        <location filename="../../core/RedisCliImport.cpp" line="74" />
        <source>The command line runs a command or reads a variable (%1): the console does not run it. Paste the password into the password field instead.</source>
        <translation>该命令行会执行命令或读取变量（%1）：控制台不会执行它。请改为将密码粘贴到密码字段中。</translation>
    </message>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="63" />
        <source>A quote (") is not closed.</source>
        <translation>引号（"）未闭合。</translation>
    </message>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="112" />
        <source>%1 needs a value.</source>
        <translation>%1 需要一个值。</translation>
    </message>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="129" />
        <source>-p %1 is not a port.</source>
        <translation>-p %1 不是有效的端口。</translation>
    </message>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="153" />
        <source>-n %1 is not a database number.</source>
        <translation>-n %1 不是有效的数据库编号。</translation>
    </message>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="176" />
        <source>--askpass (type the password into the password field)</source>
        <translation>--askpass（请在密码字段中输入密码）</translation>
    </message>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="273" />
        <source>Neither REDIS_URL nor REDISCLI_AUTH is set in the console's environment.</source>
        <translation>控制台的环境变量中既没有设置 REDIS_URL，也没有设置 REDISCLI_AUTH。</translation>
    </message>
    <message>
        <location filename="../../core/RedisCliImport.cpp" line="279" />
        <source>REDIS_URL: %1</source>
        <translation>REDIS_URL：%1</translation>
    </message>
</context>
<context>
    <name>rqc::RedisConnection</name>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="167" />
        <source>The client key %1 is encrypted: give its passphrase (Key passphrase in the connection dialog).</source>
        <translation>客户端密钥 %1 已加密：请提供其口令（连接对话框中的“密钥口令”）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="170" />
        <source>The client key %1 cannot be decrypted with the passphrase given.</source>
        <translation>无法用所给口令解密客户端密钥 %1。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="297" />
        <source>Timed out after %1 ms waiting for %2 to answer %3 (handshake step %4 of %5).</source>
        <translation>等待 %2 应答 %3 时，%1 毫秒后超时（握手第 %4 步，共 %5 步）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="304" />
        <source>Nothing of the answer arrived.</source>
        <translation>没有收到任何应答内容。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="305" />
        <source>Only part of the answer arrived: %1.</source>
        <translation>只收到了部分应答：%1。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="309" />
        <source>Timed out after %1 ms in the TLS handshake with %2: the connection was made, but the handshake did not finish (does this port speak TLS?).</source>
        <translation>与 %2 进行 TLS 握手时，%1 毫秒后超时：连接已建立，但握手未完成（该端口是否使用 TLS？）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="314" />
        <source>Timed out after %1 ms connecting to %2: no answer to the connection request.</source>
        <translation>连接 %2 时，%1 毫秒后超时：连接请求没有得到任何应答。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="370" />
        <source>The server at %1 answered %2 with "%3" where Redis answers %4: it does not behave like Redis.</source>
        <translation>%1 处的服务器对 %2 的应答是 "%3"，而 Redis 应答的是 %4：它的行为不像 Redis。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="377" />
        <source>an integer</source>
        <translation>一个整数</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="479" />
        <source>Ran out of memory handling a reply from %1; the connection was closed.</source>
        <translation>处理来自 %1 的应答时内存不足；连接已关闭。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnectionHealth.cpp" line="71" />
        <source>No reply for %1 s from %2 — the network may be down (half-open connection).</source>
        <translation>%2 已有 %1 秒没有应答——网络可能已断开（半开连接）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="556" />
        <source>%1, in the middle of a reply (%2).</source>
        <translation>%1，发生在接收应答的中途（%2）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="558" />
        <source>Cannot connect to %1: %2</source>
        <translation>无法连接到 %1：%2</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="571" />
        <source>The server closed the connection.</source>
        <translation>服务器关闭了连接。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="572" />
        <source>The server closed the connection in the middle of a reply (%1).</source>
        <translation>服务器在应答中途关闭了连接（%1）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnectionSentinel.cpp" line="62" />
        <source>The master at %1 was demoted (%2); asking the Sentinels again.</source>
        <translation>%1 处的主节点已被降级（%2）；正在重新询问哨兵。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnectionSentinel.cpp" line="72" />
        <source>failover: master moved from %1 to %2</source>
        <translation>故障转移：主节点从 %1 切换到 %2</translation>
    </message>
</context>
<context>
    <name>rqc::ReliableListConsumer</name>
    <message>
        <location filename="../../core/ReliableListConsumer.cpp" line="111" />
        <source>Nothing was lost: messages taken before the gap are still in the processing list.</source>
        <translation>没有丢失任何消息：中断前取出的消息仍在处理列表中。</translation>
    </message>
    <message>
        <location filename="../../core/ReliableListConsumer.cpp" line="129" />
        <source>Redis Cluster: BLMOVE and the scripts need the queue and its processing list in one slot, so the processing list is %1 and the other companion keys start with %2 too (the hash tag makes them hash like the queue, slot %3).</source>
        <translation>Redis 集群：BLMOVE 和脚本要求队列及其处理列表位于同一个槽中，因此处理列表为 %1，其他配套键也都以 %2 开头（hash tag 使它们与队列散列到同一个槽，即槽 %3）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../core/ReliableListConsumer.cpp" line="161" />
        <source>%n message(s) in the processing list reached %1 deliveries and went to %2.</source>
        <translation>
            <numerusform>处理列表中有 %n 条消息已投递 %1 次，已转入 %2。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../core/ReliableListConsumer.cpp" line="415" />
        <source>Recovered %1 message(s) from %2 orphaned processing list(s); %3 went to the dead list.</source>
        <translation>已从 %2 个无主的处理列表中恢复 %1 条消息；其中 %3 条转入死信列表。</translation>
    </message>
</context>
<context>
    <name>rqc::ReliableRecovery</name>
    <message>
        <location filename="../../core/ReliableRecovery.cpp" line="95" />
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
</context>
<context>
    <name>rqc::ReplayDialog</name>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="27" />
        <source>Replay a recording</source>
        <translation>回放录制文件</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="34" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="37" />
        <source>Open a recording</source>
        <translation>打开录制文件</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="37" />
        <source>Recordings (*.jsonl);;All files (*)</source>
        <translation>录制文件 (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="43" />
        <source>Recording:</source>
        <translation>录制文件：</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="46" />
        <source>PUBLISH to a channel</source>
        <translation>PUBLISH 到频道</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="47" />
        <source>LPUSH to a list</source>
        <translation>LPUSH 到列表</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="48" />
        <source>XADD to a stream (field "message")</source>
        <translation>XADD 到流（字段 "message"）</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="51" />
        <source>Send with:</source>
        <translation>发送方式：</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="54" />
        <source>Target:</source>
        <translation>目标：</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="58" />
        <source>as recorded</source>
        <translation>按录制时的节奏</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="59" />
        <source>faster (×N)</source>
        <translation>加速（×N）</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="60" />
        <source>at a fixed rate</source>
        <translation>按固定速率</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="65" />
        <source>×</source>
        <translation>×</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="70" />
        <source> msg/s</source>
        <translation> 条/秒</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="71" />
        <source>as fast as possible</source>
        <translation>尽可能快</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="75" />
        <source>Timing:</source>
        <translation>节奏：</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="85" />
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="87" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="108" />
        <source>replayed %1 of %2</source>
        <translation>已回放 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="131" />
        <source>Not connected to a server yet.</source>
        <translation>尚未连接到服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="136" />
        <source>Name the target to replay to.</source>
        <translation>请填写要回放到的目标。</translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="155" />
        <source>replaying %1 messages</source>
        <translation>正在回放 %1 条消息</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/ReplayDialog.cpp" line="157" />
        <source> (%n bad line(s) skipped)</source>
        <translation>
            <numerusform> （跳过了 %n 个错误行）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/ReplayDialog.cpp" line="176" />
        <source>done: replayed %1 of %2</source>
        <translation>完成：已回放 %1 / %2</translation>
    </message>
</context>
<context>
    <name>rqc::ReplayPlan</name>
    <message>
        <location filename="../../core/ReplayPlan.cpp" line="31" />
        <source>%1 holds no message to replay.</source>
        <translation>%1 中没有可回放的消息。</translation>
    </message>
</context>
<context>
    <name>rqc::RespReader</name>
    <message>
        <location filename="../../core/RedisReply.cpp" line="220" />
        <location filename="../../core/RedisReply.cpp" line="395" />
        <location filename="../../core/RedisReply.cpp" line="454" />
        <location filename="../../core/RedisReply.cpp" line="469" />
        <source>Ran out of memory decoding a reply from the server.</source>
        <translation>解码服务器的应答时内存不足。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="247" />
        <source>The server answered like an HTTP server, not Redis (it sent "%1"). Check the host and port.</source>
        <translation>服务器的应答像是来自 HTTP 服务器，而不是 Redis（它发送了 "%1"）。请检查主机和端口。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="251" />
        <source>The server answered like an SSH server, not Redis (it sent "%1"). Check the host and port.</source>
        <translation>服务器的应答像是来自 SSH 服务器，而不是 Redis（它发送了 "%1"）。请检查主机和端口。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="255" />
        <source>The server answered with TLS, not plain Redis: use a rediss:// URL for this port.</source>
        <translation>服务器以 TLS 应答，而不是明文 Redis：此端口请使用 rediss:// URL。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="257" />
        <source>The server does not speak the Redis protocol: its first bytes were "%1". Check the host and port.</source>
        <translation>服务器使用的不是 Redis 协议：它发送的前几个字节是 "%1"。请检查主机和端口。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="287" />
        <location filename="../../core/RedisReply.cpp" line="320" />
        <location filename="../../core/RedisReply.cpp" line="374" />
        <source>The server sent a reply larger than the %1 limit for one reply.</source>
        <translation>服务器发送的应答超过了单个应答 %1 的上限。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="296" />
        <source>Protocol error: the server sent "%1" where a number was expected.</source>
        <translation>协议错误：服务器在应为数字的位置发送了 "%1"。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="309" />
        <source>Protocol error: the server announced a negative length (%1).</source>
        <translation>协议错误：服务器声明了负数长度（%1）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="314" />
        <source>The server announced a %1-byte value, above the %2 limit for one value.</source>
        <translation>服务器声明了一个 %1 字节的值，超过了单个值 %2 的上限。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="330" />
        <source>Protocol error: the server nested arrays more than %1 levels deep.</source>
        <translation>协议错误：服务器发送的数组嵌套超过 %1 层。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="335" />
        <source>The server announced an array of %1 elements (about %2 once decoded), above the %3 limit for one reply.</source>
        <translation>服务器声明了一个包含 %1 个元素的数组（解码后约 %2），超过了单个应答 %3 的上限。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="365" />
        <source>Protocol error: the server sent "%1" where a reply type was expected.</source>
        <translation>协议错误：服务器在应为应答类型的位置发送了 "%1"。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="372" />
        <source>Protocol error: the server sent an over-long length ("%1").</source>
        <translation>协议错误：服务器发送的长度过长（"%1"）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="379" />
        <source>Protocol error: a line from the server ends in a bare line feed ("%1").</source>
        <translation>协议错误：服务器发来的一行以单独的换行符 LF 结尾，前面没有 CR（"%1"）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="470" />
        <source>Protocol error: %1.</source>
        <translation>协议错误：%1。</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="486" />
        <source>%1 bytes of a reply had arrived</source>
        <translation>已收到应答的 %1 字节</translation>
    </message>
    <message>
        <location filename="../../core/RedisReply.cpp" line="489" />
        <source>%1 of a value of %2 bytes had arrived, %3 bytes of the reply in all</source>
        <translation>一个 %2 字节的值已收到 %1，整个应答共收到 %3 字节</translation>
    </message>
</context>
<context>
    <name>rqc::RowExportActions</name>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="34" />
        <source>Copy as redis-cli command</source>
        <translation>复制为 redis-cli 命令</translation>
    </message>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="38" />
        <source>Copy as redis-py line</source>
        <translation>复制为 redis-py 代码行</translation>
    </message>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="43" />
        <source>Export selected rows…</source>
        <translation>导出所选行…</translation>
    </message>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="46" />
        <source>Export all rows…</source>
        <translation>导出所有行…</translation>
    </message>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="122" />
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="131" />
        <source>Export selected rows</source>
        <translation>导出所选行</translation>
    </message>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="131" />
        <source>Export all rows</source>
        <translation>导出所有行</translation>
    </message>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="132" />
        <source>Recording (*.jsonl);;CSV (*.csv)</source>
        <translation>录制文件 (*.jsonl);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/RowExportActions.cpp" line="137" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
</context>
<context>
    <name>rqc::SandboxServer</name>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="125" />
        <source>Could not create a TLS certificate with openssl: %1</source>
        <translation>无法用 openssl 生成 TLS 证书：%1</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="141" />
        <source>Could not create a temporary directory: %1</source>
        <translation>无法创建临时目录：%1</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="155" />
        <source>%1 is not installed (Debian package redis-server).</source>
        <translation>未安装 %1（Debian 软件包 redis-server）。</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="193" />
        <source>Could not write the sandbox's configuration: %1</source>
        <translation>无法写入沙箱的配置：%1</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="201" />
        <source>Could not write the sandbox's password file: %1</source>
        <translation>无法写入沙箱的密码文件：%1</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="259" />
        <source>Could not start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="279" />
        <source>redis-server did not become ready within %1 ms: %2</source>
        <translation>redis-server 在 %1 毫秒内未就绪：%2</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="282" />
        <source>redis-server exited at start-up: %1</source>
        <translation>redis-server 启动时退出：%1</translation>
    </message>
</context>
<context>
    <name>rqc::SecretPrompt</name>
    <message>
        <location filename="../../ui/SecretPrompt.cpp" line="74" />
        <source>Sentinel password for %1</source>
        <translation>%1 的哨兵密码</translation>
    </message>
    <message>
        <location filename="../../ui/SecretPrompt.cpp" line="75" />
        <source>The Sentinels of %1 may want a password of their own (their requirepass). It is kept in memory only, until the console quits.
Sentinel password (empty for none):</source>
        <translation>%1 的哨兵可能需要自己的密码（它们的 requirepass）。该密码只保存在内存中，直到控制台退出。
哨兵密码（无则留空）：</translation>
    </message>
    <message>
        <location filename="../../ui/SecretPrompt.cpp" line="86" />
        <source>Key passphrase for %1</source>
        <translation>%1 的密钥口令</translation>
    </message>
    <message>
        <location filename="../../ui/SecretPrompt.cpp" line="87" />
        <source>The client key %1 is encrypted. Its passphrase is kept in memory only, until the console quits.
Passphrase:</source>
        <translation>客户端密钥 %1 已加密。其口令只保存在内存中，直到控制台退出。
口令：</translation>
    </message>
</context>
<context>
    <name>rqc::SendBox</name>
    <message>
        <location filename="../../ui/SendBox.cpp" line="41" />
        <source>Publish to:</source>
        <translation>发布到：</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="44" />
        <source>a channel matching the pattern</source>
        <translation>一个匹配该模式的频道</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="52" />
        <source>Field:</source>
        <translation>字段：</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="55" />
        <source>The stream field that holds the text (XADD stream * field text).</source>
        <translation>存放文本的流字段（XADD stream * field text）。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="57" />
        <source>field=value lines</source>
        <translation>field=value 多行</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="60" />
        <source>Each line of the text is one field=value pair of the entry.</source>
        <translation>文本的每一行是条目的一个 field=value 字段对。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="69" />
        <location filename="../../ui/SendBox.cpp" line="154" />
        <source>Message to send — Ctrl+Enter sends</source>
        <translation>要发送的消息——按 Ctrl+Enter 发送</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="80" />
        <source>Repeat:</source>
        <translation>重复：</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="85" />
        <source>Send the message this many times, pipelined.</source>
        <translation>以管道方式将消息发送这么多次。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="89" />
        <source>Send (Ctrl+Enter)</source>
        <translation>发送（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="93" />
        <source>{{…}}</source>
        <translation>{{…}}</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="94" />
        <source>Placeholders: {{seq}}, {{uuid}}, {{now}}… expanded per message</source>
        <translation>占位符：{{seq}}、{{uuid}}、{{now}}…，每条消息分别展开</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="99" />
        <source>Load…</source>
        <translation>压测…</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="102" />
        <source>Load mode: send many messages, or for a time, at a rate, with progress and Stop</source>
        <translation>负载模式：按指定速率发送大量消息或持续发送一段时间，显示进度，可随时停止</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="141" />
        <source>Send (LPUSH)</source>
        <translation>发送（LPUSH）</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="144" />
        <source>Send (XADD)</source>
        <translation>发送（XADD）</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="147" />
        <source>Send (PUBLISH)</source>
        <translation>发送（PUBLISH）</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="150" />
        <source>Send (SPUBLISH)</source>
        <translation>发送（SPUBLISH）</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="153" />
        <source>Entry to add — Ctrl+Enter sends</source>
        <translation>要添加的条目——按 Ctrl+Enter 发送</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="213" />
        <source>sending %1 of %2</source>
        <translation>正在发送 %1/%2</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="220" />
        <source>Sending failed: %1</source>
        <translation>发送失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="230" />
        <source>load: %1</source>
        <translation>压测：%1</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="232" />
        <source>sent %1 (reached %2)</source>
        <translation>已发送 %1（送达 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="235" />
        <source>sent %1</source>
        <translation>已发送 %1</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="253" />
        <source>Name the field the text goes into.</source>
        <translation>请填写存放文本的字段名。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="264" />
        <source>"%1" is not field=value.</source>
        <translation>“%1”不是 field=value 格式。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="270" />
        <source>Write at least one field=value line.</source>
        <translation>请至少写一行 field=value。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="277" />
        <location filename="../../ui/SendBoxLoad.cpp" line="154" />
        <location filename="../../ui/SendBoxLoad.cpp" line="182" />
        <source>Not connected to a server yet.</source>
        <translation>尚未连接到服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBoxLoad.cpp" line="18" />
        <source>Nothing was sent: %1</source>
        <translation>未发送任何内容：%1</translation>
    </message>
    <message>
        <location filename="../../ui/SendBoxLoad.cpp" line="27" />
        <source>Pattern panes need a channel to publish to: fill in "Publish to".</source>
        <translation>模式订阅窗格需要一个具体频道才能发布：请填写“发布到”。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBoxLoad.cpp" line="100" />
        <source>Nobody was listening: the message is gone (PUBLISH reached 0 subscribers).</source>
        <translation>没有人在监听：消息已丢失（PUBLISH 送达 0 个订阅者）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/SendBoxLoad.cpp" line="102" />
        <source>Nobody was listening: the %n message(s) are gone (PUBLISH reached 0 subscribers).</source>
        <translation>
            <numerusform>没有人在监听：这 %n 条消息已丢失（PUBLISH 送达 0 个订阅者）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/SendBoxLoad.cpp" line="186" />
        <source>A load run is under way: stop it first.</source>
        <translation>压测正在进行：请先停止它。</translation>
    </message>
    <message>
        <location filename="../../ui/SendBox.cpp" line="285" />
        <source>sending %1</source>
        <translation>正在发送 %1 条</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="17" />
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="24" />
        <source>Send a file</source>
        <translation>发送文件</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="28" />
        <source>Send a file as one message…</source>
        <translation>将文件作为一条消息发送…</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="32" />
        <source>Send each line of a file as a message…</source>
        <translation>将文件的每一行作为一条消息发送…</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="36" />
        <source>Replay a recording…</source>
        <translation>回放录制文件…</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="44" />
        <source>Save the text as a snippet…</source>
        <translation>将文本保存为片段…</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="51" />
        <source>Save snippet</source>
        <translation>保存片段</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="51" />
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="56" />
        <source>Insert snippet</source>
        <translation>插入片段</translation>
    </message>
    <message>
        <location filename="../../ui/SendTools.cpp" line="58" />
        <source>Delete snippet</source>
        <translation>删除片段</translation>
    </message>
</context>
<context>
    <name>rqc::SentinelFields</name>
    <message>
        <location filename="../../ui/SentinelFields.cpp" line="15" />
        <source>host:26379, host2:26379, …</source>
        <translation>host:26379, host2:26379, …</translation>
    </message>
    <message>
        <location filename="../../ui/SentinelFields.cpp" line="16" />
        <source>Where to ask for the master: the Sentinels' addresses, separated by commas (26379 when no port is given).</source>
        <translation>向哪里询问主节点：哨兵的地址，用逗号分隔（未给端口时为 26379）。</translation>
    </message>
    <message>
        <location filename="../../ui/SentinelFields.cpp" line="20" />
        <source>the name the Sentinels monitor, e.g. mymaster</source>
        <translation>哨兵所监控的名称，例如 mymaster</translation>
    </message>
    <message>
        <location filename="../../ui/SentinelFields.cpp" line="24" />
        <source>only if the Sentinels have their own requirepass</source>
        <translation>仅当哨兵设置了自己的 requirepass 时</translation>
    </message>
    <message>
        <location filename="../../ui/SentinelFields.cpp" line="25" />
        <source>The Sentinels' own password, not the data node's (that one is the Password field). Kept in the system keychain.</source>
        <translation>哨兵自己的密码，不是数据节点的密码（那个是“密码”字段）。保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../ui/SentinelFields.cpp" line="29" />
        <source>Sentinels:</source>
        <translation>哨兵：</translation>
    </message>
    <message>
        <location filename="../../ui/SentinelFields.cpp" line="30" />
        <source>Master name:</source>
        <translation>主节点名称：</translation>
    </message>
    <message>
        <location filename="../../ui/SentinelFields.cpp" line="31" />
        <source>Sentinel password:</source>
        <translation>哨兵密码：</translation>
    </message>
</context>
<context>
    <name>rqc::SentinelResolver</name>
    <message>
        <location filename="../../core/SentinelResolver.cpp" line="58" />
        <source>No Sentinel named a reachable master "%1": %2</source>
        <translation>没有哨兵给出名为 "%1" 的可达主节点：%2</translation>
    </message>
    <message>
        <location filename="../../core/SentinelResolver.cpp" line="72" />
        <location filename="../../core/SentinelResolver.cpp" line="74" />
        <location filename="../../core/SentinelResolver.cpp" line="79" />
        <source>Sentinel %1: %2</source>
        <translation>哨兵 %1：%2</translation>
    </message>
    <message>
        <location filename="../../core/SentinelResolver.cpp" line="81" />
        <source>Sentinel %1 does not know a master named "%2"</source>
        <translation>哨兵 %1 不知道名为 "%2" 的主节点</translation>
    </message>
    <message>
        <location filename="../../core/SentinelResolver.cpp" line="105" />
        <location filename="../../core/SentinelResolver.cpp" line="107" />
        <source>master %1: %2</source>
        <translation>主节点 %1：%2</translation>
    </message>
    <message>
        <location filename="../../core/SentinelResolver.cpp" line="113" />
        <source>%1 is a replica, not the master (a failover in progress?)</source>
        <translation>%1 是副本，不是主节点（是否正在进行故障转移？）</translation>
    </message>
</context>
<context>
    <name>rqc::ServerAuthPrompt</name>
    <message>
        <location filename="../../ui/ServerAuthPrompt.cpp" line="16" />
        <source>&amp;Connect with password or certificate…</source>
        <translation>使用密码或证书连接(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/ServerAuthPrompt.cpp" line="30" />
        <source>%1: the server's TLS certificate is not trusted (%2). Every connection to it has stopped.</source>
        <translation>%1：服务器的 TLS 证书不受信任（%2）。到它的所有连接均已停止。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerAuthPrompt.cpp" line="33" />
        <source>%1 refused the credentials (%2). Every connection to it has stopped.</source>
        <translation>%1 拒绝了凭据（%2）。到它的所有连接均已停止。</translation>
    </message>
</context>
<context>
    <name>rqc::ServerChartDialog</name>
    <message>
        <location filename="../../ui/ServerChartDialog.cpp" line="18" />
        <source>Server charts</source>
        <translation>服务器图表</translation>
    </message>
    <message>
        <location filename="../../ui/ServerChartDialog.cpp" line="30" />
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <location filename="../../ui/ServerChartDialog.cpp" line="47" />
        <source>Server &amp;charts…</source>
        <translation>服务器图表(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/ServerChartDialog.cpp" line="49" />
        <source>Ops/s, memory, clients and pub/sub of the server over the last hour</source>
        <translation>服务器最近一小时的每秒操作数、内存、客户端和发布/订阅</translation>
    </message>
    <message>
        <location filename="../../ui/ServerChartDialog.cpp" line="85" />
        <source>Not connected to a server.</source>
        <translation>未连接到服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerChartDialog.cpp" line="88" />
        <source>%1 — one sample a second (INFO stats, memory, clients); ops/s counts these few commands too.</source>
        <translation>%1——每秒采样一次（INFO stats、memory、clients）；每秒操作数也包含这几条采样命令。</translation>
    </message>
</context>
<context>
    <name>rqc::ServerHub</name>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="42" />
        <source>Depth &amp;sparklines in the sidebar</source>
        <translation>侧边栏中的深度迷你图(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="45" />
        <source>Sample the depth of the lists and streams on screen (at most %1 per server) once a second and draw it beside them</source>
        <translation>每秒对屏幕上的列表和流（每个服务器最多 %1 个）的深度采样一次，并绘制在它们旁边</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="82" />
        <source>copy redis-cli command</source>
        <translation>复制 redis-cli 命令</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="140" />
        <source>%1 is open already.</source>
        <translation>%1 已经打开。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="184" />
        <source>rqconsole</source>
        <translation>rqconsole</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="251" />
        <source>No server open: File › Connect… opens one</source>
        <translation>没有打开的服务器：可通过“文件 › 连接…”打开一个</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="271" />
        <source>Reach the sandbox from a terminal:
%1</source>
        <translation>从终端访问沙箱：
%1</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="303" />
        <source>Copied: %1</source>
        <translation>已复制：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/ServerHub.cpp" line="313" />
        <source>rqconsole — %1 (and %n more)</source>
        <translation>
            <numerusform>rqconsole — %1（另有 %n 个）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="315" />
        <source>rqconsole — %1</source>
        <translation>rqconsole — %1</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="325" />
        <source>⚠ TLS not verified: the server's identity is not checked</source>
        <translation>⚠ TLS 未验证：不核实服务器的身份</translation>
    </message>
    <message>
        <location filename="../../ui/ServerHub.cpp" line="328" />
        <source>The connection is encrypted, but anyone between you and %1 could pose as it (insecure=1, or chosen after a refused certificate). Give the CA with cacert=/path/to/ca.pem instead.</source>
        <translation>连接已加密，但你与 %1 之间的任何人都可以冒充它（insecure=1，或在证书被拒后选择了跳过验证）。请改用 cacert=/path/to/ca.pem 指定 CA。</translation>
    </message>
</context>
<context>
    <name>rqc::ServerMonitor</name>
    <message>
        <location filename="../../core/ServerMonitorCluster.cpp" line="118" />
        <location filename="../../core/ServerMonitorCluster.cpp" line="192" />
        <location filename="../../core/ServerMonitorCluster.cpp" line="212" />
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>rqc::ServerMonitorWorker</name>
    <message>
        <location filename="../../core/ServerMonitor.cpp" line="175" />
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>rqc::ServerProbe</name>
    <message>
        <location filename="../../core/ServerProbe.cpp" line="14" />
        <source>No answer within the time limit.</source>
        <translation>在时限内没有响应。</translation>
    </message>
</context>
<context>
    <name>rqc::ServerRole</name>
    <message>
        <location filename="../../core/ServerRole.cpp" line="77" />
        <source>replica of %1 · read-only</source>
        <translation>%1 的副本 · 只读</translation>
    </message>
    <message>
        <location filename="../../core/ServerRole.cpp" line="78" />
        <source>replica of %1 · writable (replica-read-only no)</source>
        <translation>%1 的副本 · 可写（replica-read-only no）</translation>
    </message>
    <message>
        <location filename="../../core/ServerRole.cpp" line="80" />
        <source>link to its master is down</source>
        <translation>与其主节点的连接已断开</translation>
    </message>
    <message>
        <location filename="../../core/ServerRole.cpp" line="83" />
        <source>loading its data set</source>
        <translation>正在加载数据集</translation>
    </message>
    <message>
        <location filename="../../core/ServerRole.cpp" line="91" />
        <source>This server is a replica of %1; consuming here would fail or diverge — connect to the master.</source>
        <translation>此服务器是 %1 的副本；在此消费会失败或导致数据不一致——请连接到主节点。</translation>
    </message>
</context>
<context>
    <name>rqc::ServerRoleLabel</name>
    <message>
        <location filename="../../ui/ServerRoleLabel.cpp" line="28" />
        <source>Server: %1</source>
        <translation>服务器：%1</translation>
    </message>
    <message>
        <location filename="../../ui/ServerRoleLabel.cpp" line="35" />
        <source>failover: master moved from %1 to %2 at %3</source>
        <translation>故障转移：%3 时主节点从 %1 切换到 %2</translation>
    </message>
</context>
<context>
    <name>rqc::ServerTag</name>
    <message>
        <location filename="../../ui/ServerTag.cpp" line="39" />
        <source>This pane belongs to %1</source>
        <translation>此窗格属于 %1</translation>
    </message>
</context>
<context>
    <name>rqc::ServerTreeModel</name>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="31" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="31" />
        <source>Depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="33" />
        <source>Length for lists and streams, subscribers for channels</source>
        <translation>列表和 Stream 显示长度，频道显示订阅者数</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="34" />
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="37" />
        <location filename="../../ui/ServerTreeModel.cpp" line="107" />
        <source>Discovering…</source>
        <translation>正在发现…</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="51" />
        <source>Lists</source>
        <translation>列表</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="52" />
        <source>Streams</source>
        <translation>Stream</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="53" />
        <source>Channels</source>
        <translation>频道</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="84" />
        <source>≥ %1</source>
        <comment>at least this many: discovery has not seen every key yet</comment>
        <translation>≥ %1</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="109" />
        <source>Walking ~%1 keys again (Refresh): %2 % done; the lists and streams found before stay listed</source>
        <translation>正在重新遍历约 %1 个键（刷新）：已完成 %2 %；之前找到的列表和流仍会列出</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="117" />
        <source>Walked all %1 keys at %2 (a walk takes %3 min); keys created since appear when the walk passes them again, or after Refresh</source>
        <translation>已于 %2 遍历全部 %1 个键（一次遍历需 %3 分钟）；之后创建的键会在遍历再次经过时或刷新后出现</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="121" />
        <source>Walked all %1 keys at %2; keys created since appear when the walk passes them again, or after Refresh</source>
        <translation>已于 %2 遍历全部 %1 个键；之后创建的键会在遍历再次经过时或刷新后出现</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="125" />
        <source>Scanned %1 % of ~%2 keys (estimate); the lists and streams found so far are shown</source>
        <translation>已扫描 %1 %（共约 %2 个键，估算）；显示目前已找到的列表和流</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="130" />
        <source>Walked all %1 keys; new keys appear at once (keyspace notifications)</source>
        <translation>已遍历全部 %1 个键；新键会立即出现（键空间通知）</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="133" />
        <source>Walked all %1 keys; new keys appear when the walk passes them again</source>
        <translation>已遍历全部 %1 个键；新键会在遍历再次经过时出现</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="141" />
        <source>(only keys and channels matching %1)</source>
        <translation>（仅匹配 %1 的键和频道）</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="144" />
        <source>(truncated: at most %1 names per kind are kept)</source>
        <translation>（已截断：每类最多保留 %1 个名称）</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="152" />
        <source>Server unreachable: nothing read from it yet</source>
        <translation>服务器不可达：尚未从中读取到任何内容</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="153" />
        <source>Sidebar last refreshed %1 — server unreachable</source>
        <translation>侧边栏最后刷新于 %1——服务器不可达</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="189" />
        <source>Walking the keyspace again: keys created since the last walk may be missing until it ends.</source>
        <translation>正在重新遍历键空间：在遍历结束前，上次遍历之后创建的键可能缺失。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="192" />
        <source>From the walk that ended at %1: keys created since may be missing. Refresh walks the keyspace again.</source>
        <translation>来自于 %1 结束的遍历：之后创建的键可能缺失。刷新会重新遍历键空间。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="197" />
        <source>At most %1 names are kept; the rest are not shown.</source>
        <translation>最多保留 %1 个名称；其余的不显示。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="199" />
        <source>Found so far: the walk of the keyspace has not finished.</source>
        <translation>这是目前已找到的数量：对键空间的遍历尚未完成。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="204" />
        <source>At most %1 channels are kept; the rest are not shown.</source>
        <translation>最多保留 %1 个频道；其余的不显示。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="260" />
        <source>Cluster: 1 master</source>
        <translation>集群：1 个主节点</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="260" />
        <source>Cluster: %1 masters</source>
        <translation>集群：%1 个主节点</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="263" />
        <source>(keys read from %1 of them so far)</source>
        <translation>（目前已读取其中 %1 个的键）</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="269" />
        <source>%1 — master, slots %2</source>
        <comment>address — role, slot ranges</comment>
        <translation>%1 — 主节点，槽 %2</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="271" />
        <source>(the node given)</source>
        <translation>（所给节点）</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="278" />
        <source>online</source>
        <comment>a replica's link state</comment>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="280" />
        <source>link down</source>
        <comment>a replica's link state</comment>
        <translation>链路断开</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="282" />
        <source>loading</source>
        <comment>a replica's link state</comment>
        <translation>加载中</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="284" />
        <source>%1 — replica</source>
        <comment>address — role</comment>
        <translation>%1 — 副本</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="285" />
        <source>%1 — replica, %2</source>
        <comment>address — role, link state</comment>
        <translation>%1 — 副本，%2</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="302" />
        <location filename="../../ui/ServerTreeModel.cpp" line="343" />
        <source>node id %1</source>
        <translation>节点 id %1</translation>
    </message>
</context>
<context>
    <name>rqc::ServerView</name>
    <message>
        <location filename="../../ui/ServerView.cpp" line="30" />
        <source>&amp;Close connection to %1</source>
        <translation>关闭到 %1 的连接(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="41" />
        <source>No server</source>
        <translation>无服务器</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="48" />
        <source>Connected to %1 · Redis %2</source>
        <translation>已连接到 %1 · Redis %2</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="49" />
        <source>Redis %1</source>
        <translation>Redis %1</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="61" />
        <source>Trouble with %1</source>
        <translation>%1 出现问题</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="62" />
        <source>Server: %1</source>
        <translation>服务器：%1</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="68" />
        <source>Refused by %1</source>
        <translation>被 %1 拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="72" />
        <location filename="../../ui/ServerView.cpp" line="173" />
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="108" />
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="205" />
        <source>%1 opened in %2: this server is not the console's sandbox, and consuming would take messages from its workers. Choose %3 to consume (you will be asked first).</source>
        <translation>%1 已以 %2 模式打开：此服务器不是控制台的沙箱，消费会从它的工作进程那里取走消息。选择 %3 模式即可消费（会先询问你）。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="210" />
        <source>%1 restored in %2 instead of %3: consuming it on this server was not confirmed before. Choose %3 to consume (you will be asked first).</source>
        <translation>%1 已以 %2 模式恢复，而不是 %3 模式：此前未同意在此服务器上消费它。选择 %3 模式即可消费（会先询问你）。</translation>
    </message>
    <message>
        <location filename="../../ui/ServerView.cpp" line="221" />
        <source>Connected to %1</source>
        <translation>已连接到 %1</translation>
    </message>
</context>
<context>
    <name>rqc::SettleTracker</name>
    <message>
        <location filename="../../ui/SettleTracker.cpp" line="16" />
        <source>Ack</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../ui/SettleTracker.cpp" line="18" />
        <source>Requeue</source>
        <translation>重新入队</translation>
    </message>
    <message>
        <location filename="../../ui/SettleTracker.cpp" line="20" />
        <source>Dead-letter</source>
        <translation>转入死信</translation>
    </message>
    <message>
        <location filename="../../ui/SettleTracker.cpp" line="65" />
        <source>Recovered %1 message(s) from %2 orphaned processing list(s); %3 dead-lettered after too many deliveries.</source>
        <translation>已从 %2 个无主处理列表中恢复 %1 条消息；%3 条因投递次数过多转入死信。</translation>
    </message>
    <message>
        <location filename="../../ui/SettleTracker.cpp" line="148" />
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
</context>
<context>
    <name>rqc::SidebarSparklines</name>
    <message>
        <location filename="../../ui/SidebarSparklines.cpp" line="19" />
        <source>Depth &amp;sparklines in the sidebar</source>
        <translation>侧边栏中的深度迷你图(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/SidebarSparklines.cpp" line="23" />
        <source>Sample the depth of the lists and streams on screen (at most %1) once a second</source>
        <translation>每秒对屏幕上的列表和流（最多 %1 个）的深度采样一次</translation>
    </message>
</context>
<context>
    <name>rqc::StreamGroupCleanup</name>
    <message>
        <location filename="../../core/StreamGroupCleanup.cpp" line="88" />
        <source>the server did not answer in time</source>
        <translation>服务器未及时应答</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupCleanup.cpp" line="125" />
        <source>unexpected reply from the clean-up script</source>
        <translation>清理脚本返回了意外的应答</translation>
    </message>
</context>
<context>
    <name>rqc::StreamGroupConsumer</name>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="137" />
        <source>Nothing was lost: entries added during the gap are read now; entries read before it stay pending until acked.</source>
        <translation>没有丢失任何条目：中断期间新增的条目现在开始读取；中断前已读取的条目在确认前保持待确认状态。</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="254" />
        <source>%1 entr(ies) passed %2 deliveries and went to %3.</source>
        <translation>%1 个条目投递已超过 %2 次，已转入 %3。</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="260" />
        <source>Deleted or trimmed while pending (acked away): %1</source>
        <translation>待确认期间被删除或裁剪（已确认移除）：%1</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="318" />
        <source>Group %1 was missing; created it again.</source>
        <translation>消费组 %1 不存在，已重新创建。</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="506" />
        <source>Claiming with ack=none</source>
        <translation>以 ack=none 方式认领</translation>
    </message>
    <message numerus="yes">
        <location filename="../../core/StreamGroupConsumer.cpp" line="545" />
        <source>Claimed %n idle entr(ies) from other consumers of the group.</source>
        <translation>
            <numerusform>已从消费组的其他消费者处认领 %n 个空闲条目。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="570" />
        <source>Deleted or trimmed while pending: %1</source>
        <translation>待确认期间被删除或裁剪：%1</translation>
    </message>
</context>
<context>
    <name>rqc::StreamTailConsumer</name>
    <message>
        <location filename="../../core/StreamTailConsumer.cpp" line="21" />
        <source>Entries added during the gap are read now, unless the stream was trimmed meanwhile.</source>
        <translation>中断期间新增的条目现在开始读取，除非这期间 Stream 被裁剪过。</translation>
    </message>
</context>
<context>
    <name>rqc::SubscriberBufferLine</name>
    <message>
        <location filename="../../ui/SubscriberBufferLine.cpp" line="21" />
        <source>Redis output buffer for this subscriber: unknown (%1).</source>
        <translation>Redis 为此订阅者保留的输出缓冲区：未知（%1）。</translation>
    </message>
    <message>
        <location filename="../../ui/SubscriberBufferLine.cpp" line="24" />
        <source>Warning: Redis holds %1 for this subscriber that the window has not taken yet; it disconnects the subscriber at %2 (client-output-buffer-limit pubsub), and the messages it holds are then lost.</source>
        <translation>警告：Redis 为此订阅者积压了 %1 尚未被窗口取走的数据；达到 %2 时会断开该订阅者（client-output-buffer-limit pubsub），届时积压的消息将会丢失。</translation>
    </message>
    <message>
        <location filename="../../ui/SubscriberBufferLine.cpp" line="28" />
        <source>Redis output buffer for this subscriber: %1 (disconnects at %2).</source>
        <translation>Redis 为此订阅者保留的输出缓冲区：%1（达到 %2 时断开）。</translation>
    </message>
    <message>
        <location filename="../../ui/SubscriberBufferLine.cpp" line="44" />
        <source>Redis output buffer for this subscriber: not read yet.</source>
        <translation>Redis 为此订阅者保留的输出缓冲区：尚未读取。</translation>
    </message>
    <message>
        <location filename="../../ui/SubscriberBufferLine.cpp" line="47" />
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>rqc::TemplateHelp</name>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="17" />
        <source>Placeholders, expanded for every message sent:</source>
        <translation>占位符，在发送每条消息时展开：</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="19" />
        <source>1, 2, 3… the message's number</source>
        <translation>1、2、3…，消息的序号</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="20" />
        <source>a random UUID (version 4)</source>
        <translation>随机 UUID（版本 4）</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="22" />
        <source>the time, ISO 8601 UTC with milliseconds</source>
        <translation>当前时间，ISO 8601 UTC 格式，精确到毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="23" />
        <source>milliseconds since 1970 (UTC)</source>
        <translation>自 1970 年以来的毫秒数（UTC）</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="25" />
        <source>a whole number from 1 to 100</source>
        <translation>1 到 100 之间的整数</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="26" />
        <source>one of the words, at random</source>
        <translation>随机选取其中一个词</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="28" />
        <source>random printable filler: B, KB, KiB, MB, MiB (at most 64 MiB)</source>
        <translation>随机可打印填充内容：B、KB、KiB、MB、MiB（最多 64 MiB）</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="30" />
        <source>a literal {{</source>
        <translation>字面量 {{</translation>
    </message>
    <message>
        <location filename="../../ui/TemplateHelp.cpp" line="37" />
        <source>An unknown placeholder is an error, shown before anything is sent. Repeat and load mode number their messages from 1.</source>
        <translation>未知占位符会被视为错误，并在发送任何内容之前提示。重复发送和负载模式的消息都从 1 开始编号。</translation>
    </message>
</context>
<context>
    <name>rqc::TraceFollowerWorker</name>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="139" />
        <source>%1 is a channel with subscribers: a published message is not kept, so there is nothing to follow.</source>
        <translation>%1 是一个有订阅者的频道：发布的消息不会被保留，因此没有可跟踪的内容。</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="151" />
        <source>a stream entry needs at least one field.</source>
        <translation>流条目至少需要一个字段。</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="169" />
        <source>%1 is a %2: only lists and streams can be traced.</source>
        <translation>%1 的类型是 %2：只能跟踪列表和流。</translation>
    </message>
</context>
<context>
    <name>rqc::TraceJourney</name>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="48" />
        <source>Trace failed: %1</source>
        <translation>跟踪失败：%1</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="50" />
        <source>sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="52" />
        <source>pushed as %1 (by us)</source>
        <translation>已作为 %1 推入（由本控制台）</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="53" />
        <source>pushed (by us)</source>
        <translation>已推入（由本控制台）</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="56" />
        <source>still in the stream after %1 s: no consumer group read it</source>
        <translation>%1 秒后仍在流中：没有消费组读取它</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="57" />
        <source>still in the list after %1 s: nobody took it</source>
        <translation>%1 秒后仍在列表中：没有人取走它</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="60" />
        <source>not taken yet</source>
        <translation>尚未被取走</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="66" />
        <source> within %1</source>
        <translation>（%1 内）</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="67" />
        <source> after %1</source>
        <translation>（%1 后）</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="70" />
        <source>taken%1 (by whom: unknown without Observe — switch to Observe to see)</source>
        <translation>已被取走%1（被谁取走：不使用观察模式则无从得知——切换到“观察”即可看到）</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="72" />
        <source>delivered in group %1%2 (consumer not seen)</source>
        <translation>已在消费组 %1 中投递%2（未看到消费者）</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="75" />
        <source>delivered to %1 in group %2%3</source>
        <translation>已在消费组 %2 中投递给 %1%3</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="78" />
        <source> (%1 deliveries)</source>
        <translation>（共投递 %1 次）</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="80" />
        <source>taken by %1%2%3</source>
        <translation>被 %1 取走%2%3</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="82" />
        <source> (inferred)</source>
        <translation>（推断）</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="85" />
        <source>, landed in %1</source>
        <translation>，落入 %1</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="90" />
        <source>acked within %1</source>
        <translation>%1 内确认</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="90" />
        <source>acked after %1</source>
        <translation>%1 后确认</translation>
    </message>
    <message>
        <location filename="../../core/TraceFollower.cpp" line="93" />
        <source>not acked after %1 s</source>
        <translation>%1 秒后仍未确认</translation>
    </message>
</context>
<context>
    <name>rqc::TraceTracker</name>
    <message>
        <location filename="../../ui/TraceTracker.cpp" line="32" />
        <source>Send and trace</source>
        <translation>发送并跟踪</translation>
    </message>
    <message>
        <location filename="../../ui/TraceTracker.cpp" line="34" />
        <source>Send the text once and follow it: who takes it, when, and whether it is acked.</source>
        <translation>发送一次该文本并跟踪它：谁取走了它、何时取走，以及是否被确认。</translation>
    </message>
    <message>
        <location filename="../../ui/TraceTracker.cpp" line="37" />
        <source>give up after</source>
        <translation>最长跟踪</translation>
    </message>
    <message>
        <location filename="../../ui/TraceTracker.cpp" line="42" />
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../ui/TraceTracker.cpp" line="206" />
        <source>(not known)</source>
        <translation>（未知）</translation>
    </message>
    <message>
        <location filename="../../ui/TraceTracker.cpp" line="211" />
        <source>(nobody)</source>
        <translation>（无人）</translation>
    </message>
</context>
<context>
    <name>rqc::UnsavedPanes</name>
    <message>
        <location filename="../../ui/UnsavedPanes.cpp" line="25" />
        <source>the sandbox</source>
        <translation>沙箱</translation>
    </message>
    <message>
        <location filename="../../ui/UnsavedPanes.cpp" line="57" />
        <source>1 pane of %1 not reopened: it belongs to that server, not this one (start with it again to get it back).</source>
        <translation>%1 的 1 个窗格未重新打开：它属于那个服务器，而不是当前服务器（用它重新启动即可找回）。</translation>
    </message>
    <message>
        <location filename="../../ui/UnsavedPanes.cpp" line="63" />
        <source>%1 panes of %2 not reopened: they belong to that server, not this one (start with it again to get them back).</source>
        <translation>%2 的 %1 个窗格未重新打开：它们属于那个服务器，而不是当前服务器（用它重新启动即可找回）。</translation>
    </message>
</context>
</TS>