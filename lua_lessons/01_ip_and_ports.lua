-- summary.en: IP addresses and ports: loopback, resolving localhost, the kernel's dynamic ports
-- summary.zh: IP 地址和端口：回环地址、解析 localhost、内核分配的动态端口
-- course: 000 §1-2 (IP地址, 端口和端口号); 001 (端口); 003 (端口号)

say("127.0.0.1 is this machine's own address (loopback); the name localhost resolves to it.",
    "127.0.0.1 是本机地址（回环地址）；域名 localhost 解析出来就是它。")
local ip = socket.gethostbyname("localhost")
print("localhost →", ip)
expect(ip == "127.0.0.1", "localhost resolves to 127.0.0.1", "localhost 解析为 127.0.0.1")

say("A program that binds port 0 asks the kernel for a free dynamic port (1024-65535).",
    "程序绑定端口 0，就是请内核分配一个空闲的动态端口（1024-65535）。")
server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(server:bind("", 0))
local port = server:getsockname()[2]
expect(port >= 1024 and port <= 65535, "the kernel picked a dynamic port: " .. port,
       "内核挑选了一个动态端口：" .. port)

say("A program that never calls bind gets a port too, on its first send: IP + port name the program.",
    "没有调用 bind 的程序，在第一次发送时也会得到一个端口：IP + 端口 确定一个程序。")
client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(client:sendto("hello", "127.0.0.1", port))
local cport = client:getsockname()[2]
expect(cport > 0 and cport ~= port, "the sender got its own port " .. cport, "发送方得到了自己的端口 " .. cport)

say("Ports 0-1023 are well-known (80 HTTP, 21 FTP, 22 SSH); only root may bind them.",
    "0-1023 是知名端口（80 HTTP，21 FTP，22 SSH）；只有 root 才能绑定。")
client:close()
server:close()
