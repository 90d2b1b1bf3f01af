-- summary.en: UDP chat: two bound sockets send and receive both ways, replying to the sender's address
-- summary.zh: UDP 聊天器：两个绑定的套接字互相收发，按发送方地址回复
-- course: 001 "案例：UDP 聊天器"

say("Two chat programs, each bound to its own port (the course uses 7890).",
    "两个聊天程序，各自绑定自己的端口（课程中是 7890）。")
alice = socket.socket("udp")
bob = socket.socket("udp")
assert(alice:bind("", 0))
assert(bob:bind("", 0))
local bob_port = bob:getsockname()[2]

say("1: send a message — to (ip, port) typed by the user.", "1：发送消息 —— 发到用户输入的 (ip, 端口)。")
assert(alice:sendto("你好, bob", "127.0.0.1", bob_port))

say("2: receive — recvfrom shows the message and who sent it.", "2：接收消息 —— recvfrom 显示消息和发送方。")
local msg, from = bob:recvfrom(1024)
print((">>>('%s', %d):%s"):format(from[1], from[2], msg))
expect(msg == "你好, bob", "bob got alice's message", "bob 收到了 alice 的消息")

say("Reply to the address recvfrom returned: no need to ask for alice's port.",
    "按 recvfrom 返回的地址回复：不需要再问 alice 的端口。")
assert(bob:sendto("hi alice", from))
local reply = alice:recvfrom(1024)
expect(reply == "hi alice", "the reply came back", "回复收到了")
alice:close()
bob:close()
