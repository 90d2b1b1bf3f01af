-- summary.en: Encodings: text becomes bytes; 你好 is 6 bytes in UTF-8 and 4 in GBK; decode with the sender's encoding
-- summary.zh: 编码：文本要变成字节；“你好”在 UTF-8 中是 6 字节，在 GBK 中是 4 字节；要用发送方的编码解码
-- course: 001 (encode('utf-8'), decode('gbk')); 000 (send 的 data 是二进制数据)

a = socket.socket("udp")
b = socket.socket("udp")
assert(b:bind("127.0.0.1", 0))
local dest = b:getsockname()

say("Sockets carry bytes, not text. 'utf-8' encodes 你好 as 6 bytes.", "套接字传输的是字节而不是文本。'utf-8' 把“你好”编码成 6 个字节。")
local utf8_bytes = socket.encode("你好", "utf-8")
expect(#utf8_bytes == 6, "6 bytes in UTF-8", "UTF-8 中是 6 个字节")
assert(a:sendto(utf8_bytes, dest))
local got = b:recvfrom(1024)
expect(socket.decode(got, "utf-8") == "你好", "decoded with utf-8: 你好", "用 utf-8 解码：你好")

say("The course's Windows side uses GBK: the same text is 4 bytes.", "课程里的 Windows 一端使用 GBK：同样的文字是 4 个字节。")
local gbk_bytes = socket.encode("你好", "gbk")
expect(#gbk_bytes == 4, "4 bytes in GBK", "GBK 中是 4 个字节")
assert(a:sendto(gbk_bytes, dest))
got = b:recvfrom(1024)

ask{id = "gbk_as_utf8",
    q = {"The bytes came from the course's Windows side in GBK. What does decode('utf-8') give?",
         "这些字节来自课程里使用 GBK 的 Windows 一端。decode('utf-8') 会得到什么？"},
    choices = {{"你好, the same text", "你好，同样的文字"},
               {"an error: Python raises UnicodeDecodeError", "错误：Python 抛出 UnicodeDecodeError"},
               {"an empty string", "空字符串"}},
    answer = 2,
    why = {"GBK's bytes for 你好 are not valid UTF-8: decode with the encoding the sender used",
           "“你好”的 GBK 字节不是合法的 UTF-8：要用发送方的编码解码"},
    concept = {"decode with the sender's encoding (UTF-8 vs GBK)", "用发送方的编码解码（UTF-8 与 GBK）"}}
say("Decoding GBK bytes as UTF-8 fails (Python raises UnicodeDecodeError); decode('gbk') works.",
    "把 GBK 字节按 UTF-8 解码会失败（Python 抛出 UnicodeDecodeError）；decode('gbk') 才正确。")
local wrong = socket.decode(got, "utf-8")
expect(wrong == nil, "utf-8 cannot decode the GBK bytes", "utf-8 无法解码 GBK 字节")
expect(socket.decode(got, "gbk") == "你好", "decode('gbk') gives 你好 back", "decode('gbk') 得到了“你好”")
a:close(); b:close()
