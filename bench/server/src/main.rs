//! The canned-response server of `cargo xtask bench`: HTTP/1.1 with keep-alive on a loopback port,
//! std only, one thread per connection. Every client under test (tucuxi, aws-sdk-rust, boto3 and
//! the bare-hyper floor) talks to this one server, so the server's own cost is the same for all.
//!
//! It prints `listening on PORT` once bound and then serves until killed. Responses are fixed
//! bytes built once at start-up, so they are deterministic and cost almost nothing to send:
//!
//! | request | response |
//! |---|---|
//! | `X-Amz-Target: AmazonSQS.ListQueues` | JSON, 10 queue URLs |
//! | `X-Amz-Target: AmazonSQS.SendMessage` | JSON, a message id and the MD5 of the apps' message |
//! | `X-Amz-Target: DynamoDB_20120810.GetItem` | JSON, an item of 20 attributes |
//! | form body with `Action=DescribeInstances` | EC2 XML, one reservation of 10 instances |
//! | `GET /BUCKET?list-type=2` | S3 XML: 100 keys; for a bucket named `keys-N`, N keys in pages of 1,000 with continuation tokens |
//! | `GET /BUCKET/size-N` | an object of N bytes |
//! | `PUT /BUCKET/KEY` | the body is read and dropped; 200 with an ETag |
//! | `GET /__bench/last/ROUTE` | the raw bytes of the last request of that route (for the floor client to replay) |

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// Pages of the large listings, as S3's default `MaxKeys`.
const PAGE: usize = 1000;
/// Requests captured for replay are small; a large upload is not kept.
const CAPTURE_LIMIT: usize = 64 * 1024;

struct Canned {
    sqs_list_queues: Vec<u8>,
    dynamodb_get_item: Vec<u8>,
    ec2_describe_instances: Vec<u8>,
    s3_list_100: Vec<u8>,
}

type Captures = Arc<Mutex<HashMap<&'static str, Vec<u8>>>>;

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("listening on {}", listener.local_addr()?.port());
    io::stdout().flush()?;
    let canned = Arc::new(Canned {
        sqs_list_queues: sqs_list_queues(),
        dynamodb_get_item: dynamodb_get_item(),
        ec2_describe_instances: ec2_describe_instances(),
        s3_list_100: s3_list("bench", 0, 100, 100),
    });
    let captures: Captures = Arc::default();
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let canned = Arc::clone(&canned);
        let captures = Arc::clone(&captures);
        std::thread::spawn(move || {
            // A client closing its connection ends the thread; errors are the client's business.
            let _ = serve(stream, &canned, &captures);
        });
    }
    Ok(())
}

/// One parsed request head.
struct Head {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    raw: Vec<u8>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn serve(stream: TcpStream, canned: &Canned, captures: &Captures) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::with_capacity(64 * 1024, stream);
    while let Some(head) = read_head(&mut reader)? {
        if head.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let mut body = Vec::new();
        let keep = head.method != "PUT";
        read_body(&mut reader, &head, &mut body, keep)?;
        respond(&mut writer, &head, &body, canned, captures)?;
    }
    Ok(())
}

fn read_head(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Head>> {
    let mut raw = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        raw.extend_from_slice(line.as_bytes());
        if line == "\r\n" || line == "\n" {
            if raw.len() <= 2 {
                // A stray empty line between requests is allowed by RFC 9112.
                raw.clear();
                continue;
            }
            break;
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let mut lines = text.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    Ok(Some(Head { method, target, headers, raw }))
}

/// Reads the body by `Content-Length` or chunked transfer coding; keeps it only when `keep`.
fn read_body(reader: &mut BufReader<TcpStream>, head: &Head, body: &mut Vec<u8>, keep: bool) -> io::Result<()> {
    let mut take = |reader: &mut BufReader<TcpStream>, mut n: usize| -> io::Result<()> {
        while n > 0 {
            let buf = reader.fill_buf()?;
            if buf.is_empty() {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let k = buf.len().min(n);
            if keep {
                body.extend_from_slice(&buf[..k]);
            }
            reader.consume(k);
            n -= k;
        }
        Ok(())
    };
    if head.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if size == 0 {
                // Trailers, then the empty line.
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                        return Ok(());
                    }
                }
            }
            take(reader, size)?;
            line.clear();
            reader.read_line(&mut line)?;
        }
    }
    let length = head.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    take(reader, length)
}

fn respond(w: &mut TcpStream, head: &Head, body: &[u8], canned: &Canned, captures: &Captures) -> io::Result<()> {
    let (path, query) = head.target.split_once('?').unwrap_or((&head.target, ""));
    if let Some(route) = path.strip_prefix("/__bench/last/") {
        let raw = captures.lock().unwrap().get(route).cloned().unwrap_or_default();
        return send(w, 200, "application/octet-stream", &[], &raw);
    }
    let route: &'static str;
    let result = if let Some(target) = head.header("x-amz-target") {
        match target {
            "AmazonSQS.ListQueues" => {
                route = "sqs";
                send(w, 200, "application/x-amz-json-1.0", &[], &canned.sqs_list_queues)
            }
            "AmazonSQS.SendMessage" => {
                route = "sqssend";
                // The MD5 is that of the apps' body, `hello from the benchmark`: boto3 checks it.
                let body = b"{\"MD5OfMessageBody\":\"704970862499a4b90693771e56bd944f\",\"MessageId\":\"5fea7756-0ea4-451a-a703-a558b933e274\"}";
                send(w, 200, "application/x-amz-json-1.0", &[], body)
            }
            "DynamoDB_20120810.GetItem" => {
                route = "dynamodb";
                send(w, 200, "application/x-amz-json-1.0", &[], &canned.dynamodb_get_item)
            }
            _ => {
                route = "unknown";
                send(w, 400, "application/x-amz-json-1.0", &[], b"{\"__type\":\"UnknownOperationException\"}")
            }
        }
    } else if head.method == "POST" && contains(body, b"Action=DescribeInstances") {
        route = "ec2";
        send(w, 200, "text/xml;charset=UTF-8", &[], &canned.ec2_describe_instances)
    } else if head.method == "GET" && query.split('&').any(|p| p == "list-type=2") {
        route = "s3list";
        let bucket = path.trim_matches('/');
        match bucket.strip_prefix("keys-").and_then(|n| n.parse::<usize>().ok()) {
            Some(total) => {
                let start = query
                    .split('&')
                    .find_map(|p| p.strip_prefix("continuation-token="))
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0);
                send(w, 200, "application/xml", &[], &s3_list(bucket, start, PAGE, total))
            }
            None => send(w, 200, "application/xml", &[], &canned.s3_list_100),
        }
    } else if head.method == "GET" && path.matches('/').count() >= 2 {
        route = "s3get";
        let size = path.rsplit_once("/size-").and_then(|(_, n)| n.parse::<u64>().ok()).unwrap_or(0);
        send_object(w, size)
    } else if head.method == "PUT" {
        route = "s3put";
        send(w, 200, "application/xml", &[("ETag", "\"bench\"")], b"")
    } else {
        route = "unknown";
        send(w, 404, "text/plain", &[], b"no canned response for this request")
    };
    if route != "s3put" && route != "unknown" {
        let mut raw = head.raw.clone();
        raw.extend_from_slice(&body[..body.len().min(CAPTURE_LIMIT)]);
        captures.lock().unwrap().insert(route, raw);
    }
    result
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn send(w: &mut TcpStream, status: u16, content_type: &str, extra: &[(&str, &str)], body: &[u8]) -> io::Result<()> {
    let mut out = Vec::with_capacity(256 + body.len());
    write!(
        out,
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: bench-0000\r\nx-amz-request-id: bench-0000\r\nDate: Mon, 23 Nov 2026 00:00:00 GMT\r\n",
        if status == 200 { "OK" } else { "Error" },
        body.len()
    )?;
    for (name, value) in extra {
        write!(out, "{name}: {value}\r\n")?;
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    w.write_all(&out)
}

/// An object of `size` bytes, written in 256 KiB slices of one constant buffer.
fn send_object(w: &mut TcpStream, size: u64) -> io::Result<()> {
    write!(
        w,
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {size}\r\nETag: \"bench\"\r\nLast-Modified: Mon, 23 Nov 2026 00:00:00 GMT\r\nAccept-Ranges: bytes\r\nx-amz-request-id: bench-0000\r\n\r\n"
    )?;
    let chunk = vec![b'x'; 256 * 1024];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        w.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    Ok(())
}

fn sqs_list_queues() -> Vec<u8> {
    let urls: Vec<String> = (0..10).map(|i| format!("\"http://127.0.0.1/123456789012/bench-queue-{i:02}\"")).collect();
    format!("{{\"QueueUrls\":[{}]}}", urls.join(",")).into_bytes()
}

fn dynamodb_get_item() -> Vec<u8> {
    let attrs: Vec<String> = (0..20)
        .map(|i| match i % 4 {
            0 => format!("\"s{i}\":{{\"S\":\"value number {i} of the benchmark item\"}}"),
            1 => format!("\"n{i}\":{{\"N\":\"{}\"}}", 1000 + i * 37),
            2 => format!("\"b{i}\":{{\"BOOL\":{}}}", i % 3 == 0),
            _ => format!("\"l{i}\":{{\"L\":[{{\"S\":\"a\"}},{{\"N\":\"{i}\"}}]}}"),
        })
        .collect();
    format!("{{\"Item\":{{{}}}}}", attrs.join(",")).into_bytes()
}

fn ec2_describe_instances() -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>bench-0000</requestId><reservationSet><item><reservationId>r-0123456789abcdef0</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>",
    );
    for i in 0..10 {
        out.push_str(&format!(
            "<item><instanceId>i-0123456789abcde{i:02}</instanceId><imageId>ami-0abcdef1234567890</imageId>\
<instanceState><code>16</code><name>running</name></instanceState>\
<privateDnsName>ip-10-0-0-{i}.ec2.internal</privateDnsName><dnsName/><reason/><amiLaunchIndex>{i}</amiLaunchIndex>\
<productCodes/><instanceType>t3.micro</instanceType><launchTime>2026-11-23T00:00:00.000Z</launchTime>\
<placement><availabilityZone>us-east-1a</availabilityZone><groupName/><tenancy>default</tenancy></placement>\
<monitoring><state>disabled</state></monitoring><subnetId>subnet-0123456789abcdef0</subnetId>\
<vpcId>vpc-0123456789abcdef0</vpcId><privateIpAddress>10.0.0.{i}</privateIpAddress>\
<sourceDestCheck>true</sourceDestCheck><groupSet><item><groupId>sg-0123456789abcdef0</groupId><groupName>default</groupName></item></groupSet>\
<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>\
<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-0123456789abcde{i:02}</volumeId><status>attached</status>\
<attachTime>2026-11-23T00:00:01.000Z</attachTime><deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>\
<virtualizationType>hvm</virtualizationType><clientToken/><tagSet><item><key>Name</key><value>bench-{i}</value></item>\
<item><key>team</key><value>tucuxi</value></item></tagSet><hypervisor>xen</hypervisor><ebsOptimized>false</ebsOptimized></item>"
        ));
    }
    out.push_str("</instancesSet></item></reservationSet></DescribeInstancesResponse>");
    out.into_bytes()
}

/// One ListObjectsV2 page: keys `start..start+page` of `total`, with a continuation token (the
/// next index) while more remain.
fn s3_list(bucket: &str, start: usize, page: usize, total: usize) -> Vec<u8> {
    let end = (start + page).min(total);
    let truncated = end < total;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>{bucket}</Name><Prefix></Prefix><KeyCount>{}</KeyCount><MaxKeys>{page}</MaxKeys><IsTruncated>{truncated}</IsTruncated>",
        end - start
    );
    if truncated {
        out.push_str(&format!("<NextContinuationToken>{end}</NextContinuationToken>"));
    }
    for i in start..end {
        out.push_str(&format!(
            "<Contents><Key>data/2026/11/23/object-{i:08}.json</Key><LastModified>2026-11-23T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>{}</Size><StorageClass>STANDARD</StorageClass></Contents>",
            1024 + i % 4096
        ));
    }
    out.push_str("</ListBucketResult>");
    out.into_bytes()
}
