variable "project" {
  description = "Prefix of every resource name."
  type        = string
  default     = "manancial"
}

variable "environment" {
  description = "Environment name (production, staging)."
  type        = string
}

variable "region" {
  description = "AWS region. sa-east-1 (São Paulo) keeps the utilities' data in Brazil (LGPD)."
  type        = string
  default     = "sa-east-1"
}

variable "availability_zones" {
  description = "Availability zones. Two, at least: every tier (nodes, database standby, broker, cache) spans them."
  type        = list(string)
  default     = ["sa-east-1a", "sa-east-1b"]

  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "At least two availability zones are required (seed 2.1: 99.982 % availability)."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; split into one public and one private /20 per zone."
  type        = string
  default     = "10.40.0.0/16"
}

variable "base_domain" {
  description = "Base domain: tenants are <tenant>.<base_domain>, the ops console is <base_domain>. A Route 53 hosted zone of this name must exist."
  type        = string
}

variable "ingress_lb_dns_name" {
  description = "DNS name of the ingress controller's load balancer (created by Kubernetes). Empty on the first apply; set it on the second to create the DNS records."
  type        = string
  default     = ""
}

variable "ingress_lb_zone_id" {
  description = "Hosted zone id of that load balancer (for the alias records)."
  type        = string
  default     = ""
}

variable "eks_version" {
  description = "Kubernetes version of the EKS cluster."
  type        = string
  default     = "1.31"
}

variable "eks_public_access_cidrs" {
  description = "CIDRs allowed to reach the Kubernetes API endpoint (operators' VPN, CI)."
  type        = list(string)
}

variable "node_instance_types" {
  description = "Instance types of the application node group."
  type        = list(string)
  default     = ["m6i.xlarge"]
}

variable "node_min_size" {
  description = "Minimum nodes (at least one per zone)."
  type        = number
  default     = 2

  validation {
    condition     = var.node_min_size >= 2
    error_message = "Keep at least one node per zone."
  }
}

variable "node_max_size" {
  description = "Maximum nodes."
  type        = number
  default     = 10
}

variable "node_desired_size" {
  description = "Initial nodes; the cluster autoscaler moves it afterwards."
  type        = number
  default     = 3
}

variable "db_engine_version" {
  description = "PostgreSQL major.minor (15 or later: django-tenants schemas, Citus-compatible)."
  type        = string
  default     = "16.4"
}

variable "db_instance_class" {
  description = "Instance class of the primary, its standby and the reports replica."
  type        = string
  default     = "db.r6g.xlarge"
}

variable "db_allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 200
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB (seed 2.1-04: expansion with no migration)."
  type        = number
  default     = 2000
}

variable "db_backup_retention_days" {
  description = "Automated backup and point-in-time recovery window in days."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "PITR retention must be between 7 and 35 days."
  }
}

variable "mq_instance_type" {
  description = "Amazon MQ instance type of each of the three RabbitMQ cluster nodes."
  type        = string
  default     = "mq.m5.large"
}

variable "mq_engine_version" {
  description = "RabbitMQ engine version (quorum queues need 3.8 or later)."
  type        = string
  default     = "3.13"
}

variable "redis_node_type" {
  description = "ElastiCache node type (cache and rate limits)."
  type        = string
  default     = "cache.r7g.large"
}

variable "backup_off_site_vault_arn" {
  description = "ARN of a backup vault in another region or account that receives copies (seed 2.15-02 off-site copy). Empty: no copy."
  type        = string
  default     = ""
}
