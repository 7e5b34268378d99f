//! EC2 through resources: boto3's `ec2.create_instances(...)`, `instance.wait_until_running()`,
//! attributes, `instance.terminate()`, `vpc.subnets.all()` and the references between an
//! instance, its subnet and its VPC.

use tucuxi_ec2::resources::ServiceResource;
use tucuxi_ec2::types::{InstanceStateName, InstanceType};

use crate::common::{self, Outcome};

type Failure = Box<dyn std::error::Error>;

#[test]
fn ec2_resources_instances_vpcs_and_subnets() {
    common::run_case("ec2_resources_instances_vpcs_and_subnets", |endpoint, mut checks| async move {
        let outcome = async {
            let ec2 = ServiceResource::new(&common::session(&endpoint));
            // moto ships a catalogue of public AMIs: ec2.images.filter(Owners=["amazon"]).limit(1)
            let images = ec2.images().filter(|r| r.owners(vec!["amazon".to_owned()])).limit(1).collect().await?;
            let image = images.first().ok_or("moto lists an Amazon image")?;
            checks.ok(image.id().starts_with("ami-"), "Image ids from the images collection")?;

            // vpc = ec2.create_vpc(CidrBlock=...); subnet = vpc.create_subnet(CidrBlock=...)
            let vpc = ec2.create_vpc().set(|r| r.cidr_block("10.42.0.0/16")).send().await?;
            vpc.wait_until_available().wait().await?;
            let subnet = vpc.create_subnet().set(|r| r.cidr_block("10.42.1.0/24")).send().await?;
            checks.eq(subnet.vpc_id().await?, Some(vpc.id().to_owned()), "subnet.vpc_id from the response")?;
            // vpc.subnets.all()
            let subnets = vpc.subnets().all().collect().await?;
            let ids: Vec<&str> = subnets.iter().map(|s| s.id()).collect();
            checks.eq(ids, vec![subnet.id()], "vpc.subnets().all() lists the subnet")?;

            // ec2.create_instances(ImageId=..., MinCount=1, MaxCount=1, InstanceType="t2.micro", SubnetId=...)
            let instances = ec2
                .create_instances()
                .set(|r| {
                    r.image_id(image.id()).min_count(1).max_count(1).instance_type("t2.micro").subnet_id(subnet.id())
                })
                .send()
                .await?;
            checks.eq(instances.len(), 1, "create_instances returns one Instance")?;
            let instance = &instances[0];
            checks.ok(instance.id().starts_with("i-"), "Instance.id")?;
            checks.eq(instance.instance_id(), instance.id(), "instance_id is the identifier, no request")?;

            instance.wait_until_running().wait().await?;
            instance.reload().await?;
            let state = instance.state().await?.and_then(|s| s.name);
            checks.eq(state, Some(InstanceStateName::Running), "instance.state after wait_until_running")?;
            checks.eq(instance.instance_type().await?, Some(InstanceType::T2Micro), "instance.instance_type")?;

            // References: instance.subnet, instance.vpc, subnet.vpc
            let its_subnet = instance.subnet().await?.ok_or("instance.subnet")?;
            checks.eq(its_subnet.id(), subnet.id(), "instance.subnet is the subnet")?;
            let its_vpc = instance.vpc().await?.ok_or("instance.vpc")?;
            checks.eq(its_vpc.id(), vpc.id(), "instance.vpc is the VPC")?;
            let subnet_vpc = subnet.vpc().await?.ok_or("subnet.vpc")?;
            checks.eq(subnet_vpc.id(), vpc.id(), "subnet.vpc is the VPC")?;
            let in_vpc = vpc.instances().all().collect().await?;
            checks.ok(in_vpc.iter().any(|i| i.id() == instance.id()), "vpc.instances().all() lists the instance")?;

            // instance.terminate(); instance.wait_until_terminated()
            let out = instance.terminate().send().await?;
            checks.eq(out.terminating_instances.map(|v| v.len()), Some(1), "terminate() answers for one instance")?;
            instance.wait_until_terminated().wait().await?;
            instance.reload().await?;
            let state = instance.state().await?.and_then(|s| s.name);
            checks.eq(state, Some(InstanceStateName::Terminated), "instance.state after terminate")?;

            subnet.delete().send().await?;
            vpc.delete().send().await?;
            Ok::<(), Failure>(())
        }
        .await;
        (checks, outcome)
    });
}

/// boto3's batch actions over EC2 collections: `ec2.instances.filter(InstanceIds=[...]).stop()`.
#[test]
fn ec2_resources_batch_actions() {
    common::run_case("ec2_resources_batch_actions", |endpoint, mut checks| async move {
        let outcome: Outcome = async {
            let ec2 = ServiceResource::new(&common::session(&endpoint));
            let images = ec2.images().filter(|r| r.owners(vec!["amazon".to_owned()])).limit(1).collect().await?;
            let image = images.first().ok_or("moto lists an Amazon image")?;
            let instances =
                ec2.create_instances().set(|r| r.image_id(image.id()).min_count(3).max_count(3)).send().await?;
            checks.eq(instances.len(), 3, "three instances")?;
            let ids: Vec<String> = instances.iter().map(|i| i.id().to_owned()).collect();
            let outputs = ec2.instances().filter(|r| r.instance_ids(ids.clone())).stop().send().await?;
            checks.eq(outputs.len(), 1, "one StopInstances for the page")?;
            let stopping = outputs[0].stopping_instances.as_ref().map_or(0, Vec::len);
            checks.eq(stopping, 3, "all three stop")?;
            let outputs = ec2.instances().filter(|r| r.instance_ids(ids.clone())).terminate().send().await?;
            checks.eq(outputs.len(), 1, "one TerminateInstances")?;
            Ok(())
        }
        .await;
        (checks, outcome)
    });
}
