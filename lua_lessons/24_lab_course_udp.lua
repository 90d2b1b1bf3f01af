-- summary.en: Lab: the course's UDP program as written — sendto(('192.168.1.103', 8080)) from host B reaches host A
-- summary.zh: 实验网络：课程里的 UDP 程序原样运行 —— 从主机 B sendto(('192.168.1.103', 8080)) 到达主机 A
-- course: 001 (UDP 网络程序 - 发送数据 / 接收数据: dest_addr = ('192.168.1.103', 8080); 端口绑定 ('', 7788)); 003 (IP 地址)

if not lab_on() then return end

say("The course's UDP sender sends to ('192.168.1.103', 8080): an address on no machine in a classroom. In the lab it is host A. In a lab session (sockplay --lab), a second terminal runs the course's file itself on host B, unchanged:\n    sockplay --join B -- python3 udp_send.py\nA lesson cannot run Python: here sockplay makes the same calls on B.",
    "课程的 UDP 发送程序发往 ('192.168.1.103', 8080)：教室里没有哪台机器有这个地址。在实验网络里它就是主机 A。在实验会话（sockplay --lab）中，第二个终端可以在主机 B 上原样运行课程的文件：\n    sockplay --join B -- python3 udp_send.py\n课程脚本不能运行 Python：这里由 sockplay 在 B 上做同样的调用。")

say("On A, the receiver binds port 8080 on any of A's addresses (''), as the course's binding example does with ('', 7788).",
    "在 A 上，接收方绑定 A 所有地址（''）的 8080 端口，和课程的绑定示例 ('', 7788) 一样。")
socket.host("A")
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(udp_socket:bind("", 8080))
assert(udp_socket:settimeout(3))

say("On B, the course's sender: udp_socket.sendto(send_data.encode('utf-8'), ('192.168.1.103', 8080)).",
    "在 B 上，课程的发送程序：udp_socket.sendto(send_data.encode('utf-8'), ('192.168.1.103', 8080))。")
socket.host("B")
b_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
local send_data = socket.encode("你好, A", "utf-8")
expect(b_socket:sendto(send_data, "192.168.1.103", 8080) == #send_data,
       ("sendto() sent %d bytes (\"你好, A\" in UTF-8: 3 bytes for each Chinese character)"):format(#send_data),
       ("sendto() 发送了 %d 字节（\"你好, A\" 的 UTF-8 编码：每个汉字 3 个字节）"):format(#send_data))

say("A's recvfrom(1024) returns the bytes and the sender's address: B, 192.168.1.104.",
    "A 的 recvfrom(1024) 返回这些字节和发送方的地址：B，192.168.1.104。")
local recv_data, addr = udp_socket:recvfrom(1024)
expect(recv_data and socket.decode(recv_data, "utf-8") == "你好, A" and addr[1] == "192.168.1.104",
       "A received \"你好, A\" from 192.168.1.104 — decode('utf-8') gives the text back",
       "A 收到了来自 192.168.1.104 的 \"你好, A\" —— decode('utf-8') 还原出文字")
local p = packets{proto = "UDP", to = "192.168.1.103:8080"}[1]
expect(p and p.from:match("^192%.168%.1%.104:") and p.lan == "192.168.1.0/24" and p.smac == "02:00:00:00:02:01"
       and p.dmac == "02:00:00:00:01:01",
       "on the wire: one datagram 192.168.1.104 → 192.168.1.103:8080 across the LAN 192.168.1.0/24, from B's card to A's",
       "线路上：一个数据报 192.168.1.104 → 192.168.1.103:8080，经过局域网 192.168.1.0/24，从 B 的网卡到 A 的网卡")

say("The course's receiving program waits for an answer and decodes it with decode('gbk') (its peer was a Windows tool). A answers to the address recvfrom gave, in GBK.",
    "课程的接收程序等待对方回复，并用 decode('gbk') 解码（它的对方是 Windows 上的工具）。A 按 recvfrom 给出的地址用 GBK 编码回复。")
socket.host("A")
assert(udp_socket:sendto(socket.encode("收到", "gbk"), addr))
assert(b_socket:settimeout(3))
local answer, from = b_socket:recvfrom(1024)
expect(answer and #answer == 4 and socket.decode(answer, "gbk") == "收到" and from[1] == "192.168.1.103" and from[2] == 8080,
       "B received 4 bytes (GBK: 2 per Chinese character) from ('192.168.1.103', 8080); decode('gbk') gives \"收到\"",
       "B 从 ('192.168.1.103', 8080) 收到 4 个字节（GBK：每个汉字 2 个字节）；decode('gbk') 得到 \"收到\"")
udp_socket:close()
b_socket:close()
