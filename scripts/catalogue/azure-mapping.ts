// The hand decisions behind playbooks/catalogue/overrides/azure.yaml (extract-azure.ts writes it):
// which Defender for Cloud recommendation and which Wiz control reports the same problem as which
// Prowler Azure check, and which of them are controls of their own.
//
// Defender for Cloud: the Lastmile adapters emit the assessment key (the GUID the portal CSV calls
// `recommendationName`, the REST/Resource Graph assessment's `name`). Microsoft publishes the keys
// only in its recommendations reference (MicrosoftDocs/azure-docs, each heading links to
// `…/RecommendationsBlade/assessmentKey/<key>`); that repository is 26 GB and cannot be mirrored
// here, so the keys below were read from the pages named in DOCS and typed with the page they
// come from. The Prowler `defender_*` checks that read an assessment name it by display name in
// their code (prowler-cloud/prowler@3e000faa providers/azure/services/defender/*): those twins are exact.
//
// Wiz: no published list. The adapter emits the CSV's `Control ID` (a UUID, stable across
// exports) or the API's `sourceRule.id`; the ids and titles come from the Wiz exports in
// sources/wiz-rules.tsv (extracted by `extract-azure.ts wiz`).
//
// A twin is the same problem on the same kind of resource, whatever the scanner's wording; where
// the tools' pass conditions differ (Prowler's function-app FTP check also refuses FTPS), the
// rule stays apart.

/** The Defender for Cloud recommendations reference pages the keys were read from. */
export const DOCS = {
  data: 'MicrosoftDocs/azure-docs@346444e1 articles/defender-for-cloud/recommendations-reference-data.md (ms.date 03/13/2024)',
  compute: 'MicrosoftDocs/azure-docs@0af0f2ef articles/defender-for-cloud/recommendations-reference-compute.md (ms.date 03/13/2024)',
  container: 'MicrosoftDocs/azure-docs@346444e1 articles/defender-for-cloud/recommendations-reference-container.md (ms.date 03/13/2024)',
  appServices: 'MicrosoftDocs/azure-docs@346444e1 articles/defender-for-cloud/recommendations-reference-app-services.md (ms.date 03/13/2024)',
  identity: 'MicrosoftDocs/azure-docs articles/defender-for-cloud/recommendations-reference-identity-access.md (ms.date 03/13/2024)',
  networking: 'MicrosoftDocs/azure-docs@091d7626 articles/defender-for-cloud/recommendations-reference-networking.md (ms.date 03/13/2024)',
  appServicesInclude: 'MicrosoftDocs/azure-docs@07b28aee includes/asc-recs-appservices.md (ms.date 07/06/2021)'
} as const

export type DocPage = keyof typeof DOCS

/** A Defender for Cloud recommendation: assessment key, its title in the reference, and the page. */
export interface DefenderRec {
  key: string
  title: string
  page: DocPage
}

const d = (key: string, title: string, page: DocPage): DefenderRec => ({ key, title, page })

/** Extra rules for a control the generated catalogue already has (a Prowler Azure check). */
export interface AnchorEntry {
  anchor: string
  /** a title for the control where the table's (one Prowler check's) says less than the control is */
  title?: string
  defender?: DefenderRec[]
  /** Wiz control ids, as in sources/wiz-rules.tsv */
  wiz?: string[]
  why?: string
}

/** A control no reference table has: Defender and Wiz rules with no Prowler twin. */
export interface NewControl {
  id: string
  title: string
  resourceType: string
  severity: 'critical' | 'high' | 'medium' | 'low' | 'informational'
  defender?: DefenderRec[]
  wiz?: string[]
  why?: string
  /** what the fix does, where the title rules read the title wrong (said why in `why`) */
  effect?: 'additive' | 'restrictive' | 'replacing'
}

export const ANCHORS: AnchorEntry[] = [
  // Storage (secure transfer, 1c5de8e1-f68d-6a17-e0d2-ec259c42768c, is in the folder control azure.storage.secure-transfer)
  {
    anchor: 'prowler:storage_blob_public_access_level_is_disabled',
    defender: [d('51fd8bb1-0db4-bbf1-7e2b-cfcba7eb66a6', 'Storage account public access should be disallowed', 'identity')]
  },
  {
    anchor: 'prowler:storage_default_network_access_rule_is_denied',
    defender: [d('45d313c3-3fca-5040-035f-d61928366d31', 'Access to storage accounts with firewall and virtual network configurations should be restricted', 'networking')],
    why: "The recommendation's policy (Storage accounts should restrict network access) fails an account whose network rules' default action is Allow, as the Prowler check does."
  },
  {
    anchor: 'prowler:storage_ensure_private_endpoints_in_storage_accounts',
    defender: [d('cdc78c07-02b0-4af0-1cb2-cb7c672a8b0a', 'Storage account should use a private link connection', 'data')]
  },
  {
    anchor: 'prowler:storage_ensure_encryption_with_customer_managed_keys',
    defender: [d('ca98bba7-719e-48ee-e193-0b76766cdb07', '(Enable if required) Storage accounts should use customer-managed key (CMK) for encryption', 'data')]
  },
  { anchor: 'prowler:storage_account_key_access_disabled', defender: [d('3b363842-30f5-4056-980d-3a40fa5de8b3', 'Storage accounts should prevent shared key access', 'data')] },
  {
    anchor: 'prowler:defender_ensure_defender_for_storage_is_on',
    defender: [d('1be22853-8ed1-4005-9907-ddad64cb1417', 'Microsoft Defender for Storage should be enabled', 'data')]
  },

  // SQL and databases
  {
    anchor: 'prowler:sqlserver_azuread_administrator_enabled',
    defender: [d('f0553104-cfdb-65e6-759c-002812e38500', 'SQL servers should have an Azure Active Directory administrator provisioned', 'data')]
  },
  { anchor: 'prowler:sqlserver_auditing_enabled', defender: [d('94208a8b-16e8-4e5b-abbd-4e81c9d02bee', 'Auditing on SQL server should be enabled', 'data')] },
  {
    anchor: 'prowler:sqlserver_auditing_retention_90_days',
    defender: [d('620671b8-6661-273a-38ac-4574967750ec', 'Audit retention for SQL servers should be set to at least 90 days', 'data')]
  },
  {
    anchor: 'prowler:sqlserver_tde_encryption_enabled',
    defender: [d('651967bf-044e-4bde-8376-3e08e0600105', 'Transparent Data Encryption on SQL databases should be enabled', 'data')]
  },
  {
    anchor: 'prowler:sqlserver_tde_encrypted_with_cmk',
    defender: [d('1a93e945-3675-aef6-075d-c661498e1046', '(Enable if required) SQL servers should use customer-managed keys to encrypt data at rest', 'data')]
  },
  {
    anchor: 'prowler:sqlserver_vulnerability_assessment_enabled',
    defender: [d('1db4f204-cb5a-4c9c-9254-7556403ce51c', 'SQL servers should have vulnerability assessment configured', 'data')]
  },
  {
    anchor: 'prowler:sqlserver_microsoft_defender_enabled',
    defender: [d('400a6682-992c-4726-9549-629fbc3b988f', 'Microsoft Defender for SQL should be enabled for unprotected Azure SQL servers', 'data')]
  },
  {
    anchor: 'prowler:sqlserver_recommended_minimal_tls_version',
    defender: [d('8e9a37b9-2828-4c8f-a24e-7b0ab0e89c78', 'Azure SQL Database should be running TLS version 1.2 or newer', 'data')],
    why: "The recommendation's policy reads the server's minimalTlsVersion, the setting the Prowler check reads."
  },
  {
    anchor: 'prowler:defender_ensure_defender_for_azure_sql_databases_is_on',
    defender: [d('58d72d9d-0310-4792-9a3b-6dd111093cdb', 'Microsoft Defender for Azure SQL Database servers should be enabled', 'data')]
  },
  {
    anchor: 'prowler:defender_ensure_defender_for_sql_servers_is_on',
    defender: [d('6ac66a74-761f-4a59-928a-d373eea3f028', 'Microsoft Defender for SQL servers on machines should be enabled', 'data')]
  },
  {
    anchor: 'prowler:defender_ensure_defender_for_os_relational_databases_is_on',
    defender: [d('b6a28450-dd5d-4ba4-8806-245e20ef6632', 'Microsoft Defender for open-source relational databases should be enabled', 'data')]
  },
  {
    anchor: 'prowler:cosmosdb_account_firewall_use_selected_networks',
    defender: [d('276b1952-c364-852b-11e5-657f0fa34dc6', 'Azure Cosmos DB accounts should have firewall rules', 'data')]
  },
  { anchor: 'prowler:cosmosdb_account_use_private_endpoints', defender: [d('80dc29d6-9887-4071-a66c-e763376c2de3', 'Cosmos DB accounts should use private link', 'data')] },
  {
    anchor: 'prowler:cosmosdb_account_public_network_access_disabled',
    defender: [d('334a182c-7c2c-41bc-ae1e-55327891ab50', 'Azure Cosmos DB should disable public network access', 'data')]
  },
  {
    anchor: 'prowler:cosmosdb_account_use_aad_and_rbac',
    defender: [d('14acab4e-ad95-11ec-b909-0242ac120002', 'Azure Cosmos DB accounts should use Azure Active Directory as the only authentication method', 'identity')]
  },

  // Key Vault
  {
    anchor: 'prowler:keyvault_rbac_key_expiration_set',
    title: 'Key Vault keys should have an expiration date',
    defender: [d('1aabfa0d-7585-f9f5-1d92-ecb40291d9f2', 'Key Vault keys should have an expiration date', 'identity')],
    why: "Covers vaults of both permission models: overrides/iac.yaml merges Prowler's RBAC and non-RBAC checks into this control."
  },
  {
    anchor: 'prowler:keyvault_rbac_secret_expiration_set',
    title: 'Key Vault secrets should have an expiration date',
    defender: [d('14257785-9437-97fa-11ae-898cfb24302b', 'Key Vault secrets should have an expiration date', 'identity')],
    why: "Covers vaults of both permission models: overrides/iac.yaml merges Prowler's RBAC and non-RBAC checks into this control."
  },
  {
    anchor: 'prowler:keyvault_recoverable',
    defender: [
      d('4ed62ae4-5072-f9e7-8d94-51c76c48159a', 'Key vaults should have purge protection enabled', 'identity'),
      d('78211c00-15a9-336e-17c4-0b48613dadf4', 'Key vaults should have soft delete enabled', 'identity')
    ],
    why: 'Prowler passes a vault only with both soft delete and purge protection; Defender reports each setting apart. Turning both on is one change to the vault.'
  },
  { anchor: 'prowler:keyvault_private_endpoints', defender: [d('2e96bc2f-1972-e471-9e70-ae58d41e9d2a', 'Private endpoint should be configured for Key Vault', 'identity')] },
  { anchor: 'prowler:keyvault_logging_enabled', defender: [d('88bbc99c-e5af-ddd7-6105-6150b2bfa519', 'Diagnostic logs in Key Vault should be enabled', 'identity')] },
  {
    anchor: 'prowler:defender_ensure_defender_for_keyvault_is_on',
    defender: [d('b1af52e4-e968-4e2b-b6d0-6736c9651f0a', 'Microsoft Defender for Key Vault should be enabled', 'identity')]
  },

  // Network
  { anchor: 'prowler:network_watcher_enabled', defender: [d('f1f2f7dc-7bd5-18bf-c403-cbbdb7ec3d68', 'Network Watcher should be enabled', 'data')] },
  {
    anchor: 'prowler:network_subnet_nsg_associated',
    defender: [d('eade5b56-eefd-444f-95c8-23f29e5d93cb', 'Subnets should be associated with a network security group', 'networking')]
  },
  {
    anchor: 'prowler:network_vnet_ddos_protection_enabled',
    defender: [d('e3de1cc0-f4dd-3b34-e496-8b5381ba2d70', 'Azure DDoS Protection Standard should be enabled', 'networking')],
    why: 'Both report the virtual network without a DDoS protection plan (Defender only those holding public IPs).'
  },
  {
    anchor: 'prowler:vm_jit_access_enabled',
    defender: [d('805651bc-6ecd-4c73-9b55-97a19d0582d0', 'Management ports of virtual machines should be protected with just-in-time network access control', 'compute')]
  },

  // App Service: Defender has one recommendation per app kind (web, API, function); an API app is a web app
  // (Microsoft.Web/sites) and the setting is the same, so the kinds share the Prowler web-app control
  // unless Prowler has a function-app check of its own.
  {
    anchor: 'prowler:app_ensure_http_is_redirected_to_https',
    defender: [
      d('1b351b29-41ca-6df5-946c-c190a56be5fe', 'Web Application should only be accessible over HTTPS', 'appServices'),
      d('bf82a334-13b6-ca57-ea75-096fc2ffce50', 'API App should only be accessible over HTTPS', 'appServices')
    ]
  },
  {
    anchor: 'prowler:app_function_ensure_http_is_redirected_to_https',
    defender: [d('cb0acdc6-0846-fd48-debe-9905af151b6d', 'Function App should only be accessible over HTTPS', 'appServices')]
  },
  {
    anchor: 'prowler:app_minimum_tls_version_12',
    defender: [
      d('2a54c352-7ca4-4bae-ad46-47ecd9595bd2', 'TLS should be updated to the latest version for web apps', 'appServices'),
      d('5a659d57-117d-bb18-65f6-54e51da1bb9b', 'TLS should be updated to the latest version for API apps', 'appServices'),
      d('15be5f3c-e0a4-c0fa-fbff-8e50339b4b22', 'TLS should be updated to the latest version for function apps', 'appServices')
    ],
    why: 'The same site setting (minTlsVersion) for every app kind; Prowler has no function-app TLS check of its own.'
  },
  {
    anchor: 'prowler:app_ftp_deployment_disabled',
    defender: [
      d('19beaa2a-a126-b4dd-6d35-617f6cc83fca', 'FTPS should be required in web apps', 'appServices'),
      d('67fc622b-4ce6-8c52-08ae-9f830036b757', 'FTPS should be required in API apps', 'appServices'),
      d('972a6579-f38f-c0b9-1b4b-a5bbeba3ab5b', 'FTPS should be required in function apps', 'appServices')
    ],
    why: "Defender passes FTPS-only, as this check does ('FTP disabled or FTPS-only'); Prowler's app_function_ftps_deployment_disabled also refuses FTPS, a stricter rule, so the function-app recommendation is not its twin."
  },
  {
    anchor: 'prowler:app_register_with_identity',
    defender: [
      d('4a3d7cd3-f17c-637a-1ffc-614a01dd03cf', 'Managed identity should be used in web apps', 'appServices'),
      d('cc6d1865-7617-3cb2-cf7d-4cfc01ece1df', 'Managed identity should be used in API apps', 'appServices')
    ]
  },
  {
    anchor: 'prowler:app_function_identity_is_configured',
    defender: [d('23aa9cbe-c2fb-6a2f-6c97-885a6d48c4d1', 'Managed identity should be used in function apps', 'appServices')]
  },
  {
    anchor: 'prowler:app_client_certificates_on',
    defender: [
      d('ca4e6a5a-3a9a-bad3-798a-d420a1d9bd6d', 'Web apps should request an SSL certificate for all incoming requests', 'appServices'),
      d('ce2768c3-a7c7-1bbf-22cd-f9db675a9807', 'Ensure API app has Client Certificates Incoming client certificates set to On', 'appServices'),
      d('c2ab4bea-c663-3259-a4cd-03a8feb02825', 'Function apps should have Client Certificates (Incoming client certificates) enabled', 'appServices')
    ]
  },
  {
    anchor: 'prowler:app_ensure_java_version_is_latest',
    defender: [
      d('39c63596-aa92-1b90-ee7c-628bee592cc0', 'Java should be updated to the latest version for your web app', 'appServicesInclude'),
      d('08a3b009-0178-ee60-e357-e7ee5aea59c7', 'Java should be updated to the latest version for API apps', 'appServices'),
      d('f0fd27eb-25aa-4335-0ba2-0720cccda9a4', 'Java should be updated to the latest version for your function app', 'appServicesInclude')
    ]
  },
  {
    anchor: 'prowler:app_ensure_php_version_is_latest',
    defender: [
      d('7b2a234d-614b-562f-ac85-91b419688b59', 'PHP should be updated to the latest version for your web app', 'appServicesInclude'),
      d('6b86d069-b3c3-b4d7-47c7-e73ddf786a63', 'PHP should be updated to the latest version for API apps', 'appServices')
    ]
  },
  {
    anchor: 'prowler:app_ensure_python_version_is_latest',
    defender: [
      d('e8407fab-bf38-b0a4-79c1-068bbf82eca1', 'Python should be updated to the latest version for your web app', 'appServicesInclude'),
      d('c2c90d64-38e2-e984-1457-7f4a98168c72', 'Python should be updated to the latest version for API apps', 'appServices'),
      d('96327a68-4aec-5e76-8f0e-d4670bc5a3a7', 'Python should be updated to the latest version for your function app', 'appServicesInclude')
    ]
  },
  {
    anchor: 'prowler:defender_ensure_defender_for_app_services_is_on',
    defender: [d('0876ef51-fee7-449d-ba1e-f2662c7e43c6', 'Microsoft Defender for App Service should be enabled', 'appServices')]
  },

  // Virtual machines
  {
    anchor: 'prowler:vm_linux_enforce_ssh_authentication',
    defender: [d('22441184-2f7b-d4a0-e00b-4c5eaef4afc9', 'Authentication to Linux machines should require SSH keys', 'compute')]
  },
  { anchor: 'prowler:vm_backup_enabled', defender: [d('f2f595ec-5dc6-68b4-82ef-b63563e9c610', 'Azure Backup should be enabled for virtual machines', 'compute')] },
  {
    anchor: 'prowler:vm_trusted_launch_enabled',
    defender: [
      d('69ad830b-d98c-b1cf-2158-9d69d38c7093', 'Secure Boot should be enabled on supported Windows virtual machines', 'compute'),
      d('861bbc73-0a55-8d1d-efc6-e92d9e1176e0', 'vTPM should be enabled on supported virtual machines', 'compute')
    ],
    why: 'Prowler passes a VM only with Trusted Launch, Secure Boot and vTPM; Defender reports Secure Boot and vTPM apart on Trusted Launch VMs.'
  },
  {
    anchor: 'prowler:defender_assessments_vm_endpoint_protection_installed',
    defender: [
      d('83f577bd-a1b6-b7e1-0891-12ca19d1e6df', 'Install endpoint protection solution on virtual machines', 'compute'),
      d('06e3a6db-6c0c-4ad9-943f-31d9d73ecf6c', 'EDR solution should be installed on Virtual Machines', 'compute'),
      d('4fb67663-9ab9-475d-b026-8c544cced439', 'Endpoint protection should be installed on your machines (preview)', 'compute')
    ],
    wiz: ['60ab6694-8045-4607-a723-c41bd6f19225'],
    why: "The Prowler check reads the Defender assessment 'Install endpoint protection solution on virtual machines' itself; the EDR recommendations replace it (compute reference)."
  },
  {
    anchor: 'prowler:defender_auto_provisioning_vulnerabilty_assessments_machines_on',
    defender: [d('ffff0522-1e88-47fc-8382-2a80ba848f5d', 'Machines should have a vulnerability assessment solution', 'compute')],
    why: 'The Prowler check reads this Defender assessment by name.'
  },
  {
    anchor: 'prowler:defender_ensure_system_updates_are_applied',
    defender: [
      d('4ab6e3c5-74dd-8b35-9ab9-f61b30875b27', 'System updates should be installed on your machines', 'compute'),
      d('e1145ab1-eb4f-43d8-911b-36ddf771d13f', 'System updates should be installed on your machines (powered by Update Center)', 'compute')
    ],
    why: "The Prowler check reads the Defender assessment 'System updates should be installed on your machines'; the Update Center one replaces it."
  },
  {
    anchor: 'prowler:defender_ensure_defender_for_server_is_on',
    defender: [d('56a6e81f-7413-4f72-9a1b-aaeeaa87c872', 'Microsoft Defender for Servers should be enabled', 'compute')]
  },

  // Containers
  {
    anchor: 'prowler:aks_cluster_defender_enabled',
    defender: [d('56a83a6e-c417-42ec-b567-1e6fcb3d09a9', 'Azure Kubernetes Service clusters should have Defender profile enabled', 'container')]
  },
  {
    anchor: 'prowler:aks_cluster_rbac_enabled',
    defender: [d('b0fdc63a-38e7-4bab-a7c4-2c2665abbaa9', 'Role-Based Access Control should be used on Kubernetes Services', 'container')]
  },
  {
    anchor: 'prowler:defender_ensure_defender_for_containers_is_on',
    defender: [d('e599a9fe-30e3-47c6-a173-8b4b6d9d3255', 'Microsoft Defender for Containers should be enabled', 'container')]
  },
  {
    anchor: 'prowler:defender_container_images_resolved_vulnerabilities',
    defender: [
      d(
        'c609cf0f-71ab-41e9-a3c6-9a1f7fe1b8d5',
        'Azure running container images should have vulnerabilities resolved (powered by Microsoft Defender Vulnerability Management)',
        'container'
      ),
      d('41503391-efa5-47ee-9282-4eff6131462c', 'Azure running container images should have vulnerabilities resolved - (powered by Qualys)', 'container')
    ],
    why: 'The Prowler check reads the Defender Vulnerability Management assessment by name; the Qualys one is its predecessor.'
  },
  { anchor: 'prowler:containerregistry_uses_private_link', defender: [d('13e7d036-6903-821c-6018-962938929bf0', 'Container registries should use private link', 'container')] },

  // Subscription: Defender plans and security contacts
  {
    anchor: 'prowler:defender_ensure_defender_for_arm_is_on',
    defender: [d('f0fb2a7e-16d5-849f-be57-86db712e9bd0', 'Microsoft Defender for Resource Manager should be enabled', 'data')]
  },
  { anchor: 'prowler:defender_ensure_defender_for_dns_is_on', defender: [d('aae10e53-8403-3576-5d97-3b00f97332b2', 'Microsoft Defender for DNS should be enabled', 'data')] },
  {
    anchor: 'prowler:defender_ensure_notify_alerts_severity_is_high',
    defender: [d('3869fbd7-5d90-84e4-37bd-d9a7f4ce9a24', 'Email notification for high severity alerts should be enabled', 'data')]
  },
  {
    anchor: 'prowler:defender_ensure_notify_emails_to_owners',
    defender: [d('9f97e78d-88ee-a48d-abe2-5ef12954e7ea', 'Email notification to subscription owner for high severity alerts should be enabled', 'data')]
  },
  {
    anchor: 'prowler:defender_additional_email_configured_with_a_security_contact',
    defender: [d('77758c9d-8a56-5f54-6ff7-69a762ca6004', 'Subscriptions should have a contact email address for security issues', 'data')]
  },
  {
    anchor: 'prowler:defender_auto_provisioning_log_analytics_agent_vms_on',
    defender: [d('af849052-4299-0692-acc0-bffcbe9e440c', 'Auto provisioning of the Log Analytics agent should be enabled on subscriptions', 'data')]
  },

  // Identity
  {
    anchor: 'prowler:entra_user_with_recent_sign_in',
    wiz: ['c3adf940-d041-4592-bf5d-1c5c4dd88ed0'],
    why: "Wiz's 'Admin account is inactive for over 90 days' is Prowler's 'enabled user has signed in within the last 90 days' for an administrator: the same user, the same fix (disable or remove it)."
  }
]

export const NEW_CONTROLS: NewControl[] = [
  // Network
  {
    id: 'azure.network.vnet-azure-firewall',
    title: 'Virtual networks should be protected by Azure Firewall',
    resourceType: 'azure.network.vnet',
    severity: 'low',
    defender: [d('f67fb4ed-d481-44d7-91e5-efadf504f74a', 'Virtual networks should be protected by Azure Firewall', 'networking')]
  },
  {
    id: 'azure.compute.vm-management-ports-open',
    title: 'Virtual machines should not expose management ports (SSH, RDP, WinRM) to the internet',
    resourceType: 'azure.compute.vm',
    severity: 'medium',
    defender: [d('bc303248-3d14-44c2-96a0-55f5c326b5fe', 'Management ports should be closed on your virtual machines', 'networking')],
    wiz: ['6f4be9cf-9bd6-490a-8bfc-1eea45fca8aa'],
    why: "Wiz's 'Publicly exposed Linux VM on port 22' is one of the management ports Defender's recommendation reports on the same VM. Prowler's SSH/RDP checks report the network security group, not the VM, so they stay apart."
  },
  {
    id: 'azure.compute.vm-nsg-missing',
    title: 'Virtual machines should be protected with network security groups',
    resourceType: 'azure.compute.vm',
    severity: 'high',
    defender: [
      d('483f12ed-ae23-447e-a2de-a67a10db4353', 'Internet-facing virtual machines should be protected with network security groups', 'networking'),
      d('a9341235-9389-42f0-a0bf-9bfb57960d44', 'Non-internet-facing virtual machines should be protected with network security groups', 'networking')
    ],
    why: 'Defender splits the recommendation by whether the VM faces the internet; the fix (attach a network security group) is the same.'
  },
  {
    id: 'azure.compute.vm-nsg-open-inbound',
    title: "Network security groups of a virtual machine should not allow inbound traffic from 'Any' or 'Internet'",
    resourceType: 'azure.compute.vm',
    severity: 'high',
    defender: [d('3b20e985-f71f-483b-b078-f30d73936d43', 'All network ports should be restricted on network security groups associated to your virtual machine', 'networking')]
  },
  {
    id: 'azure.compute.vm-ip-forwarding',
    title: 'IP forwarding on virtual machines should be disabled',
    resourceType: 'azure.compute.vm',
    severity: 'medium',
    defender: [d('c3b51c94-588b-426b-a892-24696f9e54cc', 'IP forwarding on your virtual machine should be disabled', 'networking')]
  },

  // Storage
  {
    id: 'azure.storage.blob-container-anonymous-access',
    title: 'Blob containers should not allow anonymous access',
    resourceType: 'azure.storage.blob-container',
    severity: 'medium',
    wiz: ['1eef05dd-84ae-4a48-9320-9b4809a0a2dc', 'c7992cb0-32d4-426e-9286-bd047a60a05e', 'a770dc8b-4001-44ad-9e43-608bf00e1cdf'],
    why: "Wiz reports the container itself (Prowler and Defender report the account's 'allow blob anonymous access' setting). Its toxic combinations on a publicly exposed container (a lateral-movement path to admin, sensitive financial data) have the same remediation unit: remove the container's public access."
  },

  // SQL
  {
    id: 'azure.sql.public-network-access',
    title: 'Public network access on Azure SQL Database should be disabled',
    resourceType: 'azure.sql.server',
    severity: 'medium',
    defender: [d('22e93e92-4a31-b4cd-d640-3ef908430aa6', 'Public network access on Azure SQL Database should be disabled', 'data')],
    why: "Not Prowler's sqlserver_unrestricted_inbound_access, which fails only a 0.0.0.0-255.255.255.255 firewall rule."
  },
  {
    id: 'azure.sql.private-endpoint',
    title: 'Private endpoint connections on Azure SQL Database should be enabled',
    resourceType: 'azure.sql.server',
    severity: 'medium',
    defender: [d('75396512-3323-9be4-059d-32ecb113c3de', 'Private endpoint connections on Azure SQL Database should be enabled', 'data')]
  },
  {
    id: 'azure.sql.vulnerability-findings',
    title: 'SQL databases should have vulnerability findings resolved',
    resourceType: 'azure.sql.server',
    severity: 'high',
    defender: [d('82e20e14-edc5-4373-bfc4-f13121257c37', 'SQL databases should have vulnerability findings resolved', 'data')]
  },

  // Key Vault
  {
    id: 'azure.keyvault.firewall',
    title: 'Firewall should be enabled on Key Vault',
    resourceType: 'azure.keyvault.vault',
    severity: 'medium',
    defender: [d('52f7826a-ace7-3107-dd0d-4875853c1576', 'Firewall should be enabled on Key Vault', 'identity')],
    why: "Not Prowler's keyvault_access_only_through_private_endpoints, which judges only vaults that have a private endpoint."
  },

  // App Service
  {
    id: 'azure.web.remote-debugging',
    title: 'Remote debugging should be turned off for App Service apps',
    resourceType: 'azure.web.site',
    severity: 'low',
    defender: [
      d('64b8637e-4e1d-76a9-0fc9-c1e487a97ed8', 'Remote debugging should be turned off for Web Applications', 'appServices'),
      d('9172da4e-9571-6e33-2b5b-d742847f3be7', 'Remote debugging should be turned off for API App', 'appServices'),
      d('093c685b-56dd-13a3-8ed5-887a001837a2', 'Remote debugging should be turned off for Function App', 'appServices')
    ]
  },
  {
    id: 'azure.web.cors-any-origin',
    title: 'CORS should not allow every origin to access App Service apps',
    resourceType: 'azure.web.site',
    severity: 'low',
    defender: [
      d('df4d1739-47f0-60c7-1706-3731fea6ab03', 'CORS should not allow every resource to access Web Applications', 'appServices'),
      d('e40df93c-7a7c-1b0a-c787-9987ceb98e54', 'CORS should not allow every resource to access API Apps', 'appServices'),
      d('7b3d4796-9400-2904-692b-4a5ede7f0a1e', 'CORS should not allow every resource to access Function Apps', 'appServices')
    ]
  },

  // Virtual machines
  {
    id: 'azure.compute.vm-disk-encryption',
    title: 'Virtual machines should encrypt temp disks, caches and data flows (Azure Disk Encryption or encryption at host)',
    resourceType: 'azure.compute.vm',
    severity: 'high',
    defender: [
      d('d57a4221-a804-52ca-3dea-768284f06bb7', 'Virtual machines should encrypt temp disks, caches, and data flows between Compute and Storage resources', 'compute'),
      d('a40cc620-e72c-fdf4-c554-c6ca2cd705c0', 'Linux virtual machines should enable Azure Disk Encryption or EncryptionAtHost', 'compute'),
      d('0cb5f317-a94b-6b80-7212-13a9cc8826af', 'Windows virtual machines should enable Azure Disk Encryption or EncryptionAtHost', 'compute')
    ],
    why: "The Linux and Windows recommendations replace the first one (compute reference). Not Prowler's vm_ensure_attached_disks_encrypted_with_cmk: a customer-managed key does not encrypt temp disks or caches."
  },
  {
    id: 'azure.compute.vm-vulnerability-findings',
    title: 'Virtual machines should have vulnerability findings resolved',
    resourceType: 'azure.compute.vm',
    severity: 'high',
    defender: [d('1195afff-c881-495e-9bc5-1486211ae03f', 'Machines should have vulnerability findings resolved', 'compute')],
    wiz: ['432689f7-dcc9-4172-9355-e8560d4980c0', '058512e0-10c7-43f5-b860-81e55e9d03aa'],
    why: 'The Wiz controls report unresolved high or critical vulnerabilities on the same VM; the remediation (patch the machine) is the same. Replacing: patching replaces packages and restarts services (a reboot for the kernel).',
    effect: 'replacing'
  },
  {
    id: 'azure.compute.vm-exposed-exploitable-vulnerability',
    title: 'Publicly exposed virtual machines should not have exploitable vulnerabilities',
    resourceType: 'azure.compute.vm',
    severity: 'critical',
    wiz: ['12b948d7-3b3e-4c2e-8f2c-3a743bba3155', 'e5b5a1d4-abeb-44f2-a146-787d1d4df242', '5d631407-9a11-4e81-af10-f7dcf99c0f57', '82c3a122-700e-468a-968b-9238cb710dd8'],
    why: "Wiz raises one toxic combination per exploited CVE (Log4Shell, CVE-2023-20867, GameOver(lay)) and one for any network vulnerability with a known exploit; each is 'internet-exposed and exploitable' on the same machine, fixed by patching it and closing the exposure. Replacing: patching replaces packages and restarts services (a reboot for the kernel).",
    effect: 'replacing'
  },
  {
    id: 'azure.compute.vm-security-baseline',
    title: 'Machines should be configured securely (security baseline findings resolved)',
    resourceType: 'azure.compute.vm',
    severity: 'low',
    defender: [d('c476dc48-8110-4139-91af-c8d940896b98', 'Machines should be configured securely', 'compute')]
  },
  {
    id: 'azure.compute.vm-end-of-life-software',
    title: 'Virtual machines should not run end-of-life software',
    resourceType: 'azure.compute.vm',
    severity: 'high',
    wiz: ['91becca8-ba05-4c60-84f5-d19448b32a93'],
    why: 'Replacing: moving off end-of-life software is an upgrade to a supported major version (or a new image), with restarts.',
    effect: 'replacing'
  },
  {
    id: 'azure.compute.vm-exposed-cleartext-keys',
    title: 'Publicly exposed virtual machines should not hold cleartext cloud or SaaS keys',
    resourceType: 'azure.compute.vm',
    severity: 'high',
    wiz: ['71f62f01-5640-438b-ae08-7535b230c7c2', 'e0ee5bd8-064b-4095-8a06-c3d6c033e152'],
    why: 'Wiz splits the secret by kind (cloud keys with high Entra ID privileges, SaaS API keys); on one exposed machine the fix is the same: remove and rotate the keys.'
  },
  {
    id: 'azure.compute.vm-malware',
    title: 'Virtual machines should not be infected with malware',
    resourceType: 'azure.compute.vm',
    severity: 'critical',
    wiz: ['8451beda-a15e-461b-bd94-7e8319312cc1']
  },
  {
    id: 'azure.compute.vm-unused',
    title: 'Virtual machines nobody has logged in to for six months should be reviewed',
    resourceType: 'azure.compute.vm',
    severity: 'low',
    wiz: ['03ebf870-abb1-49f9-997c-1ab0a1b5dfce']
  },

  // AKS
  {
    id: 'azure.aks.api-server-public',
    title: 'The Kubernetes API server of an AKS cluster should not be open to the internet',
    resourceType: 'azure.aks.cluster',
    severity: 'high',
    defender: [d('1a2b5b4c-f80d-46e7-ac81-b51a9fb363de', 'Kubernetes API server should be configured with restricted access', 'container')],
    wiz: ['5e029a63-783d-4ce0-b02a-0461c01f3250'],
    why: "Both pass a cluster whose API server has authorized IP ranges or is private. Not Prowler's aks_clusters_public_access_disabled, which requires a private cluster."
  },
  {
    id: 'azure.aks.policy-addon',
    title: 'AKS clusters should have the Azure Policy add-on for Kubernetes installed',
    resourceType: 'azure.aks.cluster',
    severity: 'high',
    defender: [d('08e628db-e2ed-4793-bc91-d13e684401c3', 'Azure Kubernetes Service clusters should have the Azure Policy add-on for Kubernetes installed', 'container')]
  },
  {
    id: 'azure.aks.container-added-capabilities',
    title: 'Containers in an AKS cluster should not add Linux capabilities',
    resourceType: 'azure.aks.cluster',
    severity: 'medium',
    defender: [
      d('11c95609-3553-430d-b788-fd41cde8b2db', 'Least privileged Linux capabilities should be enforced for containers', 'container'),
      d('aba14f78-27c5-af84-848e-9105d18dfd92', 'Kubernetes clusters should not grant CAPSYSADMIN security capabilities', 'container')
    ],
    wiz: ['319074a6-37af-4687-af80-d4eff7474aeb'],
    why: "All report the cluster whose pods add capabilities (CAP_SYS_ADMIN is one of them); the fix is the pods' securityContext."
  },
  // azure.aks.privileged-containers (Defender 5d90913f, Wiz ed0a02f3) is the control folder playbooks/azure.aks.privileged-containers,
  // whose playbook also serves azure.aks.container-added-capabilities and kubernetes.pod.added-capabilities
  // azure.aks.automount-service-account-token (Defender 32060ac3, Wiz e0648231) is the control folder playbooks/azure.aks.automount-service-account-token
  {
    id: 'azure.aks.privilege-escalation',
    title: 'Containers in an AKS cluster should not allow privilege escalation',
    resourceType: 'azure.aks.cluster',
    severity: 'medium',
    defender: [d('43dc2a2e-ce69-4d42-923e-ab7d136f2cfe', 'Container with privilege escalation should be avoided', 'container')]
  },
  {
    id: 'azure.aks.run-as-root',
    title: 'Containers in an AKS cluster should not run as root',
    resourceType: 'azure.aks.cluster',
    severity: 'high',
    defender: [d('9b795646-9130-41a4-90b7-df9eae2437c8', 'Running containers as root user should be avoided', 'container')]
  },
  {
    id: 'azure.aks.host-namespaces',
    title: 'Containers in an AKS cluster should not share the host process ID or IPC namespace',
    resourceType: 'azure.aks.cluster',
    severity: 'medium',
    defender: [d('802c0637-5a8c-4c98-abd7-7c96d89d6010', 'Containers sharing sensitive host namespaces should be avoided', 'container')]
  },
  {
    id: 'azure.aks.host-network',
    title: 'Pods in an AKS cluster should not use host networking or host ports',
    resourceType: 'azure.aks.cluster',
    severity: 'medium',
    defender: [d('ebc68898-5c0f-4353-a426-4a5f1e737b12', 'Usage of host networking and ports should be restricted', 'container')]
  },
  {
    id: 'azure.aks.host-path-volumes',
    title: 'Pods in an AKS cluster should mount only allowed host paths',
    resourceType: 'azure.aks.cluster',
    severity: 'medium',
    defender: [
      d(
        'f0debc84-981c-4a0d-924d-aa4bd7d55fef',
        'Usage of pod HostPath volume mounts should be restricted to a known list to restrict node access from compromised containers',
        'container'
      )
    ]
  },
  // azure.aks.read-only-root-filesystem (Defender 27d6f0e9, Immutable (read-only) root filesystem should be enforced for containers)
  // is the control folder playbooks/kubernetes.container.read-only-root-filesystem, whose playbook also serves Trivy's KSV-0014
  // azure.aks.resource-limits (Defender 405c9ae6, Container CPU and memory limits should be enforced) is the control
  // folder playbooks/kubernetes.container.resources, whose playbook also serves Trivy's and Prowler's request and limit checks
  {
    id: 'azure.aks.trusted-registries',
    title: 'AKS clusters should run images from trusted registries only',
    resourceType: 'azure.aks.cluster',
    severity: 'high',
    defender: [d('8d244d29-fa00-4332-b935-c3a51d525417', 'Container images should be deployed from trusted registries only', 'container')]
  },
  {
    id: 'azure.aks.default-namespace',
    title: 'AKS clusters should not use the default namespace',
    resourceType: 'azure.aks.cluster',
    severity: 'low',
    defender: [d('ff87e0b4-17df-d338-5b19-80e71e0dcc9d', 'Kubernetes clusters should not use the default namespace', 'container')]
  },
  {
    id: 'azure.aks.https-ingress',
    title: 'AKS clusters should be accessible only over HTTPS',
    resourceType: 'azure.aks.cluster',
    severity: 'high',
    defender: [d('c6d87087-9ebe-b31f-b452-0bf3bbbaccd2', 'Kubernetes clusters should be accessible only over HTTPS', 'container')]
  },
  {
    id: 'azure.aks.allowed-ports',
    title: 'Services in an AKS cluster should listen on allowed ports only',
    resourceType: 'azure.aks.cluster',
    severity: 'medium',
    defender: [d('add45209-73f6-4fa5-a5a5-74a451b07fbe', 'Services should listen on allowed ports only', 'container')]
  },
  // azure.aks.default-service-account (Wiz 5ad273f6) is the control folder playbooks/azure.aks.default-service-account
  {
    id: 'azure.aks.cluster-admin-in-use',
    title: 'The cluster-admin role of an AKS cluster should not be bound to an account',
    resourceType: 'azure.aks.cluster',
    severity: 'medium',
    wiz: ['9ab37204-39f0-48e9-8c43-dabdb5e0dbfb']
  },
  {
    id: 'azure.aks.admission-controller-missing',
    title: 'AKS clusters should run the Wiz admission controller',
    resourceType: 'azure.aks.cluster',
    severity: 'low',
    wiz: ['fd9b9c59-2adb-4c09-b79a-1c2139e1d7aa']
  },
  // Kubernetes RBAC subjects: Wiz reports the user or service account itself (any cluster)
  {
    id: 'azure.aks.role-wildcard',
    title: 'Kubernetes roles and cluster roles should not grant permissions with wildcards',
    resourceType: 'kubernetes.user',
    severity: 'medium',
    wiz: ['5bd69891-b61f-49c8-85a5-c8f90c3eff80']
  },
  // azure.aks.principal-can-create-pods (Wiz f114d8a8-7e24-4fff-aaf8-69ce385004f4) is the control folder
  // playbooks/azure.aks.principal-can-create-pods, whose playbook also serves the two controls beside it
  {
    id: 'azure.aks.principal-can-read-secrets',
    title: 'Kubernetes users and service accounts should not get, list or watch secrets unless they need to',
    resourceType: 'kubernetes.serviceaccount',
    severity: 'medium',
    wiz: ['4a5593c7-a3e1-41b9-8166-009e4bc53a3f']
  },
  // Kubernetes workloads
  // kubernetes.pod.added-capabilities (Wiz 198c264c, Trivy KSV-0022) is defined by the control folder playbooks/azure.aks.privileged-containers
  {
    id: 'kubernetes.workload.exploitable-image-vulnerability',
    title: 'Containers should not run images with exploitable high or critical vulnerabilities',
    resourceType: 'kubernetes.deployment',
    severity: 'high',
    wiz: ['863a35e9-7722-4e71-ae6a-eb95686698ae', 'e2b11a18-64dc-4a1c-9f84-b84dc8dab7ad', '830f235b-9ab6-45cd-8c62-74b954b0eb10'],
    why: "Wiz adds 'validated in runtime' and 'publicly exposed with high Kubernetes privileges' variants of the same vulnerable image on the same workload; the fix is one: rebuild the image."
  },
  {
    id: 'kubernetes.workload.image-end-of-life-software',
    title: 'Containers should not run images with end-of-life software',
    resourceType: 'kubernetes.deployment',
    severity: 'low',
    wiz: ['8384ed90-5ec2-4d88-b45c-5c7f69d642f9']
  },
  {
    id: 'kubernetes.workload.cleartext-cloud-keys',
    title: 'Containers should not hold cleartext cloud keys',
    resourceType: 'kubernetes.deployment',
    severity: 'medium',
    wiz: ['c1b607e1-f7cd-4f93-bdc1-a4a0fe97480c']
  },
  {
    id: 'kubernetes.workload.unauthenticated-api',
    title: 'Application endpoints on containers should require authentication',
    resourceType: 'kubernetes.deployment',
    severity: 'low',
    wiz: ['ac84012b-678a-413e-abff-3a9993e990b8']
  },
  {
    id: 'kubernetes.workload.cryptominer',
    title: 'Cryptominer activity in a container',
    resourceType: 'kubernetes.deployment',
    severity: 'high',
    wiz: ['3692bb8f-9959-5709-8b4f-78e9854c05a3']
  },

  // Container registry
  {
    id: 'azure.containerregistry.unrestricted-network-access',
    title: 'Container registries should not allow unrestricted network access',
    resourceType: 'azure.containerregistry.registries',
    severity: 'medium',
    defender: [d('9b828565-a0ed-61c2-6bf3-1afc99a9b2ca', 'Container registries should not allow unrestricted network access', 'container')],
    why: "Not Prowler's containerregistry_not_publicly_accessible: Defender passes a registry that keeps public access behind IP or network rules."
  },
  {
    id: 'azure.containerregistry.image-vulnerabilities',
    title: 'Container registry images should have vulnerability findings resolved',
    resourceType: 'azure.containerregistry.registries',
    severity: 'high',
    defender: [
      d(
        'c0b7cfc6-3172-465a-b378-53c7ff2cc0d5',
        'Azure registry container images should have vulnerabilities resolved (powered by Microsoft Defender Vulnerability Management)',
        'container'
      ),
      d('dbd0cb49-b563-45e7-9724-889e799fa648', 'Azure registry container images should have vulnerabilities resolved (powered by Qualys)', 'container')
    ]
  },

  // Subscription identities
  {
    id: 'azure.subscription.owners-at-most-three',
    title: 'A maximum of 3 owners should be designated for subscriptions',
    resourceType: 'azure.subscription',
    severity: 'high',
    defender: [d('6f90a6d6-d4d6-0794-0ec1-98fa77878c2e', 'A maximum of 3 owners should be designated for subscriptions', 'identity')]
  },
  {
    id: 'azure.subscription.owners-more-than-one',
    title: 'There should be more than one owner assigned to subscriptions',
    resourceType: 'azure.subscription',
    severity: 'high',
    defender: [d('2c79b4af-f830-b61e-92b9-63dfa30f16e4', 'There should be more than one owner assigned to subscriptions', 'identity')]
  },
  {
    id: 'azure.subscription.mfa-for-accounts-with-permissions',
    title: 'Accounts with owner, write or read permissions on a subscription should be MFA enabled',
    resourceType: 'azure.subscription',
    severity: 'high',
    defender: [
      d('94290b00-4d0c-d7b4-7cea-064a9554e681', 'MFA should be enabled on accounts with owner permissions on subscriptions', 'identity'),
      d('57e98606-6b1e-6193-0e3d-fe621387c16b', 'MFA should be enabled on accounts with write permissions on subscriptions', 'identity'),
      d('151e82c5-5341-a74b-1eb0-bc38d2c84bb5', 'MFA should be enabled on accounts with read permissions on subscriptions', 'identity'),
      d('6240402e-f77c-46fa-9060-a7ce53997754', 'Accounts with owner permissions on Azure resources should be MFA enabled', 'identity'),
      d('c0cb17b2-0607-48a7-b0e0-903ed22de39b', 'Accounts with write permissions on Azure resources should be MFA enabled', 'identity'),
      d('dabc9bc4-b8a8-45bd-9a5a-43000df8aa1c', 'Accounts with read permissions on Azure resources should be MFA enabled', 'identity')
    ],
    why: "Defender reports one recommendation per permission level (and a newer set per resource); on one subscription the fix is one Conditional Access policy requiring MFA. Prowler's entra_privileged_user_has_mfa judges directory roles, not Azure RBAC, so it stays apart."
  },
  {
    id: 'azure.subscription.external-accounts-with-permissions',
    title: 'External and guest accounts with permissions on a subscription should be removed',
    resourceType: 'azure.subscription',
    severity: 'high',
    defender: [
      d('c3b6ae71-f1f0-31b4-e6c1-d5951285d03d', 'External accounts with owner permissions should be removed from subscriptions', 'identity'),
      d('04e7147b-0deb-9796-2e5c-0336343ceb3d', 'External accounts with write permissions should be removed from subscriptions', 'identity'),
      d('a8c6a4ad-d51e-88fe-2979-d3ee3c864f8b', 'External accounts with read permissions should be removed from subscriptions', 'identity'),
      d('20606e75-05c4-48c0-9d97-add6daa2109a', 'Guest accounts with owner permissions on Azure resources should be removed', 'identity'),
      d('0354476c-a12a-4fcc-a79d-f0ab7ffffdbb', 'Guest accounts with write permissions on Azure resources should be removed', 'identity'),
      d('fde1c0c9-0fd2-4ecc-87b5-98956cbc1095', 'Guest accounts with read permissions on Azure resources should be removed', 'identity')
    ],
    why: 'One recommendation per permission level (and a newer set per resource): on one subscription the fix is one review of its role assignments.'
  },
  {
    id: 'azure.subscription.blocked-accounts-with-permissions',
    title: 'Blocked and deprecated accounts with permissions on a subscription should be removed',
    resourceType: 'azure.subscription',
    severity: 'high',
    defender: [
      d('00c6d40b-e990-6acf-d4f3-471e747a27c4', 'Deprecated accounts should be removed from subscriptions', 'identity'),
      d('e52064aa-6853-e252-a11e-dffc675689c2', 'Deprecated accounts with owner permissions should be removed from subscriptions', 'identity'),
      d('050ac097-3dda-4d24-ab6d-82568e7a50cf', 'Blocked accounts with owner permissions on Azure resources should be removed', 'identity'),
      d('1ff0b4c9-ed56-4de6-be9c-d7ab39645926', 'Blocked accounts with read and write permissions on Azure resources should be remove', 'identity')
    ],
    why: 'Deprecated (older name) and blocked accounts are both accounts blocked from signing in; the fix is one review of the role assignments.'
  },
  // Entra ID principals (Wiz reports the user itself). Wiz's 'Azure guest user has high privileges'
  // (6f34c36b-d040-4809-b8ef-727cc22b6706) is in the folder control azure.entra.guest-user-high-privileges;
  // Defender's guest-account recommendations report the subscription (azure.subscription.external-accounts-with-permissions).
  // Wiz's 'user/service account can impersonate an application with permission to add members to a group with admin
  // privileges' (d9c7e062-b82a-4326-b031-2a38e9e92874) is in the folder control azure.entra.admin-escalation-path.
  {
    id: 'azure.entra.unusual-country-activity',
    title: 'Unusual activity by a principal from a previously unseen country',
    resourceType: 'azure.azureactivedirectory/user',
    severity: 'high',
    wiz: ['783b6d0d-09e1-5198-93cc-ea85c0193b50']
  },
  // AI
  {
    id: 'azure.cognitiveservices.model-trained-on-exposed-secrets',
    title: 'AI models should not be fine-tuned on data with secrets that a publicly exposed storage gives to all users',
    resourceType: 'azure.cognitiveservices.model',
    severity: 'critical',
    wiz: ['6a9bb32f-780c-4d8f-b18f-b03f6e7682f1']
  }
]

/**
 * Defender for Cloud's AWS recommendations (through its AWS connector): each re-evaluates a
 * Security Hub control (same title and description in the reference) or a CIS AWS 1.x requirement.
 * The key anchors on that Security Hub control, or, where Security Hub's control is CIS-only and in
 * no table here (the CloudWatch.x metric filters, IAM.9-17), on the Prowler check of the CIS requirement.
 *
 * Left out: the keys whose control is a control folder (EBS default encryption EC2.7 56406d4c, IMDSv2
 * EC2.8 5ea3248a, SSH/RDP from the internet EC2.13 e1f4bba6 and EC2.14 79082bbe, unused credentials
 * IAM.22 f13dc885, access key rotation IAM.3 d72f547e (the design attaches IAM.3 to the unused-key
 * folder), S3 Block Public Access S3.1 ac66d910 and S3.8 83f16376, public read/write S3.2 f65de27c
 * and S3.3 994d14f1, HTTPS-only S3.5 1fb7ea50): a folder lists its rules in its own playbook.yaml (as
 * azure.storage.secure-transfer lists its Defender key) and its playbook investigates them, so adding
 * them is the folder owner's decision. The Defender adapters name such a resource by its ARN (the
 * assessment's NativeResourceId, the CSV's nativeCloudAccountId), so the folder's evidence would find it.
 */
export const DEFENDER_AWS: Array<{ anchor: string; rec: DefenderRec }> = [
  // networking
  { anchor: 'securityhub:EC2.10', rec: d('e700ddd4-bb55-4602-b93a-d75895fbf7c6', 'Amazon EC2 should be configured to use VPC endpoints', 'networking') },
  {
    anchor: 'securityhub:ECS.2',
    rec: d('9bb205cd-a931-4f77-a620-0a263479732b', 'Amazon ECS services should not have public IP addresses assigned to them automatically', 'networking')
  },
  { anchor: 'securityhub:EMR.1', rec: d('fe770214-7b47-48f7-a78c-1279c35d8279', 'Amazon EMR cluster master nodes should not have public IP addresses', 'networking') },
  { anchor: 'securityhub:Redshift.7', rec: d('1ee72ceb-2cb7-4686-84e6-0e1ac1c27241', 'Amazon Redshift clusters should use enhanced VPC routing', 'networking') },
  {
    anchor: 'securityhub:ELB.1',
    rec: d('fce0daac-96e4-47ab-ab35-18ac6b7dcc70', 'Application Load Balancer should be configured to redirect all HTTP requests to HTTPS', 'networking')
  },
  { anchor: 'securityhub:ELB.4', rec: d('ca924610-5a8e-4c5e-9f17-8dff1ab1757b', 'Application load balancers should be configured to drop HTTP headers', 'networking') },
  { anchor: 'securityhub:Lambda.3', rec: d('10445918-c305-4c6a-9851-250e8ec7b872', 'Configure Lambda functions to a VPC', 'networking') },
  { anchor: 'securityhub:EC2.9', rec: d('63afb20c-4e8e-42ad-bc6d-dc48d4bebc5f', 'EC2 instances should not have a public IP address', 'networking') },
  { anchor: 'securityhub:EC2.17', rec: d('fead4128-7325-4b82-beda-3fd42de36920', 'EC2 instances should not use multiple ENIs', 'networking') },
  { anchor: 'securityhub:EC2.15', rec: d('ace790eb-39b9-4b4f-b53d-26d0f77d4ab8', 'EC2 subnets should not automatically assign public IP addresses', 'networking') },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled',
    rec: d('965a7c7f-e6da-4062-83f4-9c1800e51e44', 'Ensure a log metric filter and alarm exist for AWS Config configuration changes', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_authentication_failures',
    rec: d('0e09bb35-54a3-48a1-855d-9fd3239deaf7', 'Ensure a log metric filter and alarm exist for AWS Management Console authentication failures', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_changes_to_network_acls_alarm_configured',
    rec: d('ec356185-75b9-4ff2-a284-9f64fc885e72', 'Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_changes_to_network_gateways_alarm_configured',
    rec: d('c7156050-6f51-4d3f-a880-9f2363648cfb', 'Ensure a log metric filter and alarm exist for changes to network gateways', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled',
    rec: d('0dc3b824-092a-4fc6-b8b4-31d5c2403024', 'Ensure a log metric filter and alarm exist for CloudTrail configuration changes', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk',
    rec: d('d12e97c1-1f3e-4c69-8cc1-6e4cc6a9b167', 'Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_policy_changes',
    rec: d('8e5ad1a9-3803-4399-baf2-a7eb9483b954', 'Ensure a log metric filter and alarm exist for IAM policy changes', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_sign_in_without_mfa',
    rec: d('001ddfe0-1b98-443f-819d-99f060fd67d5', 'Ensure a log metric filter and alarm exist for Management Console sign-in without MFA', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_changes_to_network_route_tables_alarm_configured',
    rec: d('7e70666f-4bec-4ca0-8b59-c6c8b9b3cc1e', 'Ensure a log metric filter and alarm exist for route table changes', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_for_s3_bucket_policy_changes',
    rec: d('69ed2dc0-6f39-4a33-a747-20a28f85b33c', 'Ensure a log metric filter and alarm exist for S3 bucket policy changes', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_security_group_changes',
    rec: d('aedabb63-8bdb-47f9-955c-72b652a75e2a', 'Ensure a log metric filter and alarm exist for security group changes', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_unauthorized_api_calls',
    rec: d('231951ea-e9db-41cd-a7d0-611105fa4fb9', 'Ensure a log metric filter and alarm exist for unauthorized API calls', 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_log_metric_filter_root_usage',
    rec: d('59f84fbd-7946-41b3-88b1-d899dcac92bc', "Ensure a log metric filter and alarm exist for usage of 'root' account", 'networking')
  },
  {
    anchor: 'prowler:cloudwatch_changes_to_vpcs_alarm_configured',
    rec: d('4b4bfa9b-fd2a-43f1-961f-654b9d5c9a60', 'Ensure a log metric filter and alarm exist for VPC changes', 'networking')
  },
  { anchor: 'securityhub:RDS.23', rec: d('f1736090-65fc-454f-a437-af58fd91ad1e', 'RDS databases and clusters should not use a database engine default port', 'networking') },
  { anchor: 'securityhub:RDS.18', rec: d('9a84b879-8aab-4b82-80f2-22e637a26813', 'RDS instances should be deployed in a VPC', 'networking') },
  { anchor: 'securityhub:EC2.19', rec: d('194fd099-90fa-43e1-8d06-6b4f5138e952', 'Security groups should not allow unrestricted access to ports with high risk', 'networking') },
  {
    anchor: 'securityhub:EC2.18',
    rec: d('8b328664-f3f1-45ab-976d-f6c66647b3b8', 'Security groups should only allow unrestricted incoming traffic for authorized ports', 'networking')
  },
  { anchor: 'securityhub:EC2.12', rec: d('601406b5-110c-41be-ad69-9c5661ba5f7c', 'Unused EC2 EIPs should be removed', 'networking') },
  { anchor: 'securityhub:EC2.16', rec: d('5f9a7d87-ec2e-409a-991a-48c29484d6b5', 'Unused network access control lists should be removed', 'networking') },
  { anchor: 'securityhub:EC2.2', rec: d('500c4d2e-9baf-4081-b8a8-936ac85771a5', "VPC's default security group should restricts all traffic", 'networking') },
  // identity and access
  { anchor: 'securityhub:ES.2', rec: d('df952171-786d-44b5-b309-9c982bddeb7c', 'Amazon Elasticsearch Service domains should be in a VPC', 'identity') },
  {
    anchor: 'securityhub:S3.6',
    rec: d('de8ae504-ec39-4ffb-b3ef-6e36fdcbb455', 'Amazon S3 permissions granted to other AWS accounts in bucket policies should be restricted', 'identity')
  },
  { anchor: 'prowler:iam_avoid_root_usage', rec: d('a47a6c3b-0629-406c-ad09-d91f7d9f78a3', 'Avoid the use of the "root" account', 'identity') },
  { anchor: 'securityhub:KMS.3', rec: d('10c59743-84c4-4711-adb7-ba895dc57339', 'AWS KMS keys should not be unintentionally deleted', 'identity') },
  { anchor: 'securityhub:WAF.1', rec: d('ad593449-a095-47b5-91b8-894396a1aa7f', 'AWS WAF Classic global web ACL logging should be enabled', 'identity') },
  { anchor: 'securityhub:CloudFront.1', rec: d('186509dc-f326-415f-b085-4d27f1342849', 'CloudFront distributions should have a default root object configured', 'identity') },
  { anchor: 'securityhub:CloudTrail.4', rec: d('324ec96c-9719-46ce-b6a9-e7f4fed7dd6e', 'CloudTrail log file validation should be enabled', 'identity') },
  { anchor: 'securityhub:CloudTrail.3', rec: d('2917bcec-6991-4ea4-9e73-156e6ef831e4', 'CloudTrail should be enabled', 'identity') },
  { anchor: 'securityhub:CloudTrail.5', rec: d('842be2e5-2cd8-420f-969a-6d6b4096c580', 'CloudTrail trails should be integrated with CloudWatch Logs', 'identity') },
  { anchor: 'securityhub:RDS.9', rec: d('678b2afa-7fc7-45e5-ad4e-2c49efb57ac8', 'Database logging should be enabled', 'identity') },
  { anchor: 'securityhub:SageMaker.1', rec: d('0991c64b-ccf5-4408-aee9-2ef03d460020', 'Disable direct internet access for Amazon Sage Maker notebook instances', 'identity') },
  {
    anchor: 'prowler:iam_user_no_setup_initial_access_key',
    rec: d('655f9340-184f-4b6e-8214-b835003ab0b1', 'Do not setup access keys during initial user setup for all IAM users that have a console password', 'identity')
  },
  {
    anchor: 'prowler:iam_support_role_created',
    rec: d('6614c30d-c9f3-4acd-8371-c8f362148398', 'Ensure a support role has been created to manage incidents with AWS Support', 'identity')
  },
  { anchor: 'prowler:config_recorder_all_regions_enabled', rec: d('3ff06f36-f8fd-4af5-bd02-5195593423fb', 'Ensure AWS Config is enabled in all regions', 'identity') },
  { anchor: 'prowler:cloudtrail_multi_region_enabled', rec: d('b3d8e09b-83a6-417a-ae1e-3f5b54576965', 'Ensure CloudTrail is enabled in all regions', 'identity') },
  {
    anchor: 'prowler:iam_password_policy_expires_passwords_within_90_days_or_less',
    rec: d('729c20d1-fe7c-4e1b-8c9c-ab5ad56d7f96', 'Ensure IAM password policy expires passwords within 90 days or less', 'identity')
  },
  { anchor: 'prowler:iam_password_policy_reuse_24', rec: d('22e99393-671c-4979-a08a-cd1533da9ece', 'Ensure IAM password policy prevents password reuse', 'identity') },
  {
    anchor: 'prowler:iam_password_policy_lowercase',
    rec: d('1c420241-9bec-4af8-afb7-038a711b7d22', 'Ensure IAM password policy requires at least one lowercase letter', 'identity')
  },
  { anchor: 'prowler:iam_password_policy_number', rec: d('84fb0ae8-4785-449c-b9ac-e106a2509540', 'Ensure IAM password policy requires at least one number', 'identity') },
  { anchor: 'prowler:iam_password_policy_symbol', rec: d('1919c309-1c8b-4fab-bd8c-7ff77521db40', 'Ensure IAM password policy requires at least one symbol', 'identity') },
  {
    anchor: 'prowler:iam_password_policy_uppercase',
    rec: d('6e5ebe18-e026-4c26-875c-fcbea8089071', 'Ensure IAM password policy requires at least one uppercase letter', 'identity')
  },
  {
    anchor: 'prowler:iam_password_policy_minimum_length_14',
    rec: d('e109af9f-128b-4774-a40c-aab8eff3934c', 'Ensure IAM password policy requires minimum length of 14 or greater', 'identity')
  },
  {
    anchor: 'prowler:iam_user_mfa_enabled_console_access',
    rec: d('b73d3c97-01e1-43b4-bf01-a459e5eed3de', 'Ensure multifactor authentication (MFA) is enabled for all IAM users that have a console password', 'identity')
  },
  { anchor: 'securityhub:GuardDuty.1', rec: d('4b32e0a4-44a7-4f18-ad92-549f7d219061', 'GuardDuty should be enabled', 'identity') },
  { anchor: 'securityhub:IAM.6', rec: d('eb39e935-38fc-4b0c-8cf2-d6affab0306a', 'Hardware MFA should be enabled for the "root" account', 'identity') },
  { anchor: 'securityhub:RDS.12', rec: d('3ac30502-52e5-4fc6-af40-095dddfbc8b9', 'IAM authentication should be configured for RDS clusters', 'identity') },
  { anchor: 'securityhub:RDS.10', rec: d('cd307f02-2ca7-44b4-8c1b-b580251d613c', 'IAM authentication should be configured for RDS instances', 'identity') },
  { anchor: 'securityhub:KMS.1', rec: d('d088fb9f-11dc-451e-8f79-393916e42bb2', 'IAM customer managed policies should not allow decryption actions on all KMS keys', 'identity') },
  {
    anchor: 'securityhub:IAM.21',
    rec: d('5a0476c5-a14b-4195-8c31-633511234b38', 'IAM customer managed policies that you create should not allow wildcard actions for services', 'identity')
  },
  { anchor: 'securityhub:IAM.2', rec: d('a773f81a-0b2d-4f8e-826a-77fc432416c3', 'IAM policies should be attached only to groups or roles', 'identity') },
  { anchor: 'securityhub:IAM.1', rec: d('1d08b362-7e24-46b0-bed1-4a6c1d1526a5', 'IAM policies that allow full "*:*" administrative privileges should not be created', 'identity') },
  {
    anchor: 'securityhub:KMS.2',
    rec: d('18be55d0-b681-4693-af8d-b8815518d758', 'IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys', 'identity')
  },
  { anchor: 'securityhub:Lambda.1', rec: d('64b236a0-f9d7-454a-942a-8c2ba3943cf7', 'Lambda functions should restrict public access', 'identity') },
  { anchor: 'securityhub:IAM.19', rec: d('9c676d6f-60cb-4c7b-a484-17164c598016', 'MFA should be enabled for all IAM users', 'identity') },
  { anchor: 'prowler:iam_root_mfa_enabled', rec: d('1c9ea4ef-3bb5-4f02-b8b9-55e788e1a21a', 'MFA should be enabled for the "root" account', 'identity') },
  { anchor: 'securityhub:IAM.7', rec: d('fd751d04-8378-4cf8-8f1b-594ee340ae08', 'Password policies for IAM users should have strong configurations', 'identity') },
  { anchor: 'securityhub:IAM.4', rec: d('412835f5-0339-4180-9c22-ea8735dc6c24', "Root account access key shouldn't exist", 'identity') },
  { anchor: 'securityhub:SecretsManager.1', rec: d('4aa0f6dc-40be-43b2-92f1-3a52ad9d68d1', 'Secrets Manager secrets should have automatic rotation enabled', 'identity') },
  { anchor: 'securityhub:EC2.4', rec: d('1a3340b3-8916-40fe-942d-a937e60f5d4c', 'Stopped EC2 instances should be removed after a specified time period', 'identity') },
  // data
  { anchor: 'securityhub:RDS.14', rec: d('d0ef47dc-95aa-4765-a075-72c07df8acff', 'Amazon Aurora clusters should have backtracking enabled', 'data') },
  { anchor: 'securityhub:EC2.1', rec: d('02e8de17-1a01-45cb-b906-6d07a78f4b3c', "Amazon EBS snapshots shouldn't be publicly restorable", 'data') },
  { anchor: 'securityhub:ECS.1', rec: d('0dc124a8-2a69-47c5-a4e1-678d725a33ab', 'Amazon ECS task definitions should have secure networking modes and user definitions', 'data') },
  { anchor: 'securityhub:ES.3', rec: d('9b63a099-6c0c-4354-848b-17de1f3c8ae3', 'Amazon Elasticsearch Service domains should encrypt data sent between nodes', 'data') },
  { anchor: 'securityhub:ES.1', rec: d('cf747c91-14f3-4b30-aafe-eb12c18fd030', 'Amazon Elasticsearch Service domains should have encryption at rest enabled', 'data') },
  { anchor: 'securityhub:RDS.11', rec: d('894259c2-c1d5-47dc-b5c6-b242d5c76fdf', 'Amazon RDS instance should be configured with automatic backup settings', 'data') },
  { anchor: 'securityhub:Redshift.4', rec: d('e2a0ec17-447b-44b6-8646-c0b5584b6b0a', 'Amazon Redshift clusters should have audit logging enabled', 'data') },
  { anchor: 'securityhub:Redshift.3', rec: d('7a152832-6600-49d1-89be-82e474190e13', 'Amazon Redshift clusters should have automatic snapshots enabled', 'data') },
  { anchor: 'securityhub:Redshift.1', rec: d('7f5ac036-11e1-4cda-89b5-a115b9ae4f72', 'Amazon Redshift clusters should prohibit public access', 'data') },
  { anchor: 'securityhub:Redshift.6', rec: d('176f9062-64d0-4edd-bb0f-915012a6ef16', 'Amazon Redshift should have automatic upgrades to major versions enabled', 'data') },
  { anchor: 'securityhub:SQS.1', rec: d('340a07a1-7d68-4562-ac25-df77c214fe13', 'Amazon SQS queues should be encrypted at rest', 'data') },
  {
    anchor: 'securityhub:RDS.19',
    rec: d('65659c22-6588-405b-b118-614c2b4ead5b', 'An RDS event notifications subscription should be configured for critical cluster events', 'data')
  },
  {
    anchor: 'securityhub:RDS.20',
    rec: d('ff4f3ab3-8ed7-4b4f-a721-4c3b66a59140', 'An RDS event notifications subscription should be configured for critical database instance events', 'data')
  },
  {
    anchor: 'securityhub:RDS.21',
    rec: d('c6f24bb0-b696-451c-a26e-0cc9ea8e97e3', 'An RDS event notifications subscription should be configured for critical database parameter group events', 'data')
  },
  {
    anchor: 'securityhub:RDS.22',
    rec: d('ab5c51fb-ecdb-46de-b8df-c28ae46ce5bc', 'An RDS event notifications subscription should be configured for critical database security group events', 'data')
  },
  { anchor: 'securityhub:APIGateway.1', rec: d('2cac0072-6f56-46f0-9518-ddec3660ee56', 'API Gateway REST and WebSocket API logging should be enabled', 'data') },
  { anchor: 'securityhub:APIGateway.5', rec: d('1a0ce4e0-b61e-4ec7-ab65-aeaff3893bd3', 'API Gateway REST API cache data should be encrypted at rest', 'data') },
  {
    anchor: 'securityhub:APIGateway.2',
    rec: d('ec268d38-c94b-4df3-8b4e-5248fcaaf3fc', 'API Gateway REST API stages should be configured to use SSL certificates for backend authentication', 'data')
  },
  { anchor: 'securityhub:APIGateway.3', rec: d('5cbaff4f-f8d5-49fe-9fdc-63c4507ac670', 'API Gateway REST API stages should have AWS X-Ray tracing enabled', 'data') },
  { anchor: 'securityhub:APIGateway.4', rec: d('d69eb8b0-79ba-4963-a683-a96a8ea787e2', 'API Gateway should be associated with an AWS WAF web ACL', 'data') },
  { anchor: 'securityhub:ELB.5', rec: d('4ba5c359-495f-4ba6-9897-7fdbc0aed675', 'Application and Classic Load Balancers logging should be enabled', 'data') },
  { anchor: 'securityhub:EC2.3', rec: d('0bde343a-0681-4ee2-883a-027cc1e655b8', 'Attached EBS volumes should be encrypted at-rest', 'data') },
  { anchor: 'securityhub:DMS.1', rec: d('132a70b8-ffda-457a-b7a3-e6f2e01fc0af', "AWS Database Migration Service replication instances shouldn't be public", 'data') },
  { anchor: 'securityhub:ELB.3', rec: d('773667f7-6511-4aec-ae9c-e3286c56a254', 'Classic Load Balancer listeners should be configured with HTTPS or TLS termination', 'data') },
  { anchor: 'securityhub:ELB.7', rec: d('dd60e31e-073a-42b6-9b23-db7ca86fd5e0', 'Classic Load Balancers should have connection draining enabled', 'data') },
  { anchor: 'securityhub:CloudFront.6', rec: d('0e0d5964-2895-45b1-b646-fcded8d567be', 'CloudFront distributions should have AWS WAF enabled', 'data') },
  { anchor: 'securityhub:CloudFront.5', rec: d('88114970-36db-42b3-9549-20608b1ab8ad', 'CloudFront distributions should have logging enabled', 'data') },
  { anchor: 'securityhub:CloudFront.3', rec: d('a67adff8-625f-4891-9f61-43f837d18ad2', 'CloudFront distributions should require encryption in transit', 'data') },
  { anchor: 'securityhub:CloudTrail.2', rec: d('190f732b-c68e-4816-9961-aba074272627', 'CloudTrail logs should be encrypted at rest using KMS CMKs', 'data') },
  { anchor: 'securityhub:Redshift.2', rec: d('036bb56b-c442-4352-bb4c-5bd0353ad314', 'Connections to Amazon Redshift clusters should be encrypted in transit', 'data') },
  { anchor: 'securityhub:ES.8', rec: d('effb5011-f8db-45ac-b981-b5bdfd7beb88', 'Connections to Elasticsearch domains should be encrypted using TLS 1.2', 'data') },
  { anchor: 'securityhub:DynamoDB.2', rec: d('cc873508-40c1-41b6-8507-8a431d74f831', 'DynamoDB tables should have point-in-time recovery enabled', 'data') },
  {
    anchor: 'securityhub:ElasticBeanstalk.1',
    rec: d('4170067b-345d-47ed-ab4a-c6b6046881f1', 'Elastic Beanstalk environments should have enhanced health reporting enabled', 'data')
  },
  { anchor: 'securityhub:ES.4', rec: d('f48af569-2e67-464b-9a62-b8df0f85bc5e', 'Elasticsearch domain error logging to CloudWatch Logs should be enabled', 'data') },
  { anchor: 'securityhub:ES.7', rec: d('b4b9a67c-c315-4f9b-b06b-04867a453aab', 'Elasticsearch domains should be configured with at least three dedicated master nodes', 'data') },
  { anchor: 'securityhub:ES.6', rec: d('994cbcb3-43d4-419d-b5c4-9adc558f3ca2', 'Elasticsearch domains should have at least three data nodes', 'data') },
  { anchor: 'securityhub:ES.5', rec: d('12ebb4cd-34b6-4c3a-bee9-7e35f4f6caff', 'Elasticsearch domains should have audit logging enabled', 'data') },
  { anchor: 'securityhub:RDS.6', rec: d('93e5a579-dd2f-4a56-b827-ebbfe7376b16', 'Enhanced monitoring should be configured for RDS DB instances and clusters', 'data') },
  { anchor: 'securityhub:KMS.4', rec: d('66748314-d51c-4d9c-b789-eebef29a7039', 'Ensure rotation for customer created CMKs is enabled', 'data') },
  { anchor: 'securityhub:CloudTrail.7', rec: d('759e80dc-92c2-4afd-afa3-c01294999363', 'Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket', 'data') },
  { anchor: 'securityhub:CloudTrail.6', rec: d('a41f2846-4a59-44e9-89bb-1f62d4b03a85', "Ensure the S3 bucket used to store CloudTrail logs isn't publicly accessible", 'data') },
  { anchor: 'prowler:iam_no_expired_server_certificates_stored', rec: d('03a8f33c-b01c-4dfc-b627-f98114715ae0', "IAM shouldn't have expired SSL/TLS certificates", 'data') },
  { anchor: 'securityhub:ACM.1', rec: d('0e68b4d8-1a5e-47fc-a3eb-b3542fea43f1', 'Imported ACM certificates should be renewed after a specified time period', 'data') },
  { anchor: 'securityhub:RDS.13', rec: d('d352afac-cebc-4e02-b474-7ef402fb1d65', 'RDS automatic minor version upgrades should be enabled', 'data') },
  { anchor: 'securityhub:RDS.4', rec: d('4f4fbc5e-0b10-4208-b52f-1f47f1c73b6a', 'RDS cluster snapshots and database snapshots should be encrypted at rest', 'data') },
  { anchor: 'securityhub:RDS.7', rec: d('9e769650-868c-46f5-b8c0-1a8ba12a4c92', 'RDS clusters should have deletion protection enabled', 'data') },
  { anchor: 'securityhub:RDS.15', rec: d('cdf441dd-0ab7-4ef2-a643-de12725e5d5d', 'RDS DB clusters should be configured for multiple Availability Zones', 'data') },
  { anchor: 'securityhub:RDS.16', rec: d('b9ed02d0-afca-4bed-838d-70bf31ecf19a', 'RDS DB clusters should be configured to copy tags to snapshots', 'data') },
  { anchor: 'securityhub:RDS.17', rec: d('fcd891e5-c6a2-41ce-bca6-f49ec582f3ce', 'RDS DB instances should be configured to copy tags to snapshots', 'data') },
  { anchor: 'securityhub:RDS.5', rec: d('70ebbd01-cd79-4bc8-ae85-49f47ccdd5ad', 'RDS DB instances should be configured with multiple Availability Zones', 'data') },
  { anchor: 'securityhub:RDS.8', rec: d('8e1f7933-faa9-4379-a9bd-697740dedac8', 'RDS DB instances should have deletion protection enabled', 'data') },
  { anchor: 'securityhub:RDS.3', rec: d('bfa7d2aa-f362-11eb-9a03-0242ac130003', 'RDS DB instances should have encryption at rest enabled', 'data') },
  { anchor: 'securityhub:RDS.2', rec: d('72f3b7f1-76b8-4cf5-8da5-4ba5745b512c', 'RDS DB Instances should prohibit public access', 'data') },
  { anchor: 'securityhub:RDS.1', rec: d('f64521fc-a9f1-4d43-b667-8d94b4a202af', 'RDS snapshots should prohibit public access', 'data') },
  { anchor: 'securityhub:SecretsManager.3', rec: d('bfa82db5-c112-44f0-89e6-a9adfb9a4028', 'Remove unused Secrets Manager secrets', 'data') },
  { anchor: 'securityhub:S3.7', rec: d('35713036-bd12-4646-9b92-4c56a761a710', 'S3 buckets should have cross-region replication enabled', 'data') },
  {
    anchor: 'securityhub:SecretsManager.2',
    rec: d('bec42e2d-956b-4940-a37d-7c1b1e8c525f', 'Secrets Manager secrets configured with automatic rotation should rotate successfully', 'data')
  },
  { anchor: 'securityhub:SecretsManager.4', rec: d('323f0eb4-ea19-4b55-83e9-d104009616b4', 'Secrets Manager secrets should be rotated within a specified number of days', 'data') },
  { anchor: 'securityhub:SNS.1', rec: d('90917e06-2781-4857-9d74-9043c6475d03', 'SNS topics should be encrypted at rest using AWS KMS', 'data') },
  { anchor: 'securityhub:EC2.6', rec: d('3428e584-0fa6-48c0-817e-6d689d7bb879', 'VPC flow logging should be enabled in all VPCs', 'data') },
  // compute
  {
    anchor: 'securityhub:SSM.2',
    rec: d(
      '5b3c2887-d7b7-4887-b074-4e6057027709',
      'Amazon EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT after a patch installation',
      'compute'
    )
  },
  { anchor: 'securityhub:EFS.1', rec: d('4e482075-311f-401e-adc7-f8a8affc5635', 'Amazon EFS should be configured to encrypt file data at rest using AWS KMS', 'compute') },
  { anchor: 'securityhub:EFS.2', rec: d('e864e460-158b-4a4a-beb9-16ebc25c1240', 'Amazon EFS volumes should be in backup plans', 'compute') },
  { anchor: 'securityhub:ELB.6', rec: d('5c508bf1-26f9-4696-bb61-8341d395e3de', 'Application Load Balancer deletion protection should be enabled', 'compute') },
  {
    anchor: 'securityhub:AutoScaling.1',
    rec: d('837d6a45-503f-4c95-bf42-323763960b62', 'Auto Scaling groups associated with a load balancer should use health checks', 'compute')
  },
  { anchor: 'securityhub:CloudFront.4', rec: d('4779e962-2ea3-4126-aa76-379ea271887c', 'CloudFront distributions should have origin failover configured', 'compute') },
  { anchor: 'securityhub:CodeBuild.1', rec: d('9694d4ef-f21a-40b7-b535-618ac5c5d21e', 'CodeBuild GitHub or Bitbucket source repository URLs should use OAuth', 'compute') },
  { anchor: 'securityhub:CodeBuild.2', rec: d('a88b4b72-b461-4b5e-b024-91da1cbe500f', 'CodeBuild project environment variables should not contain credentials', 'compute') },
  { anchor: 'securityhub:DynamoDB.3', rec: d('58e67d3d-8b17-4c1c-9bc4-550b10f0328a', 'DynamoDB Accelerator (DAX) clusters should be encrypted at rest', 'compute') },
  { anchor: 'securityhub:DynamoDB.1', rec: d('47476790-2527-4bdb-b839-3b48ed18dccf', 'DynamoDB tables should automatically scale capacity with demand', 'compute') },
  { anchor: 'securityhub:SSM.1', rec: d('4be5393d-cc33-4ef7-acae-80295bc3ae35', 'EC2 instances should be managed by AWS Systems Manager', 'compute') },
  {
    anchor: 'securityhub:SSM.3',
    rec: d('67a90ae0-b3d1-44f0-9dcf-a03234ebeb65', 'Instances managed by Systems Manager should have an association compliance status of COMPLIANT', 'compute')
  },
  { anchor: 'securityhub:Lambda.2', rec: d('e656e5b7-130c-4fb4-be90-9bdd4f82fdfb', 'Lambda functions should use supported runtimes', 'compute') },
  { anchor: 'securityhub:EC2.22', rec: d('f065cc7b-f63b-4865-b8ff-4a1292e1a5cb', 'Unused EC2 security groups should be removed', 'compute') }
]
