/**
 * What the demo data is made of: customers, their backup jobs and the messages backup products
 * write. The eight customer names match the demo companies of both PSA simulators (Autotask's and
 * ConnectWise's), so mapping them in the demo works by picking the same name; do not rename them.
 */

export const demoCustomerNames = [
  'Acme Dental',
  'Brightwater Logistics',
  'Contoso B.V.',
  'Fabrikam Architects',
  'Greenfield Schools',
  'Northwind Traders',
  'Riverside Medical Centre',
  'Tailspin Toys',
] as const;

/**
 * Demo customers the demo PSA leaves unmapped, so Suggest mappings and the blocked "Create ticket"
 * have something to show; the others are mapped the way an admin would have, so a new user can
 * create a ticket at once. The same with either PSA.
 */
export const DEMO_UNMAPPED: ReadonlySet<string> = new Set(['Greenfield Schools', 'Tailspin Toys']);

export type Family = 'veeam' | 'synology' | 'nakivo' | 'acronis' | 'm365';

/** healthy: rare problems; flaky: regular warnings, an error now and then; failing: broken for the last days. */
export type Profile = 'healthy' | 'flaky' | 'failing';

export interface JobTemplate {
  readonly name: string;
  readonly family: Family;
  readonly backupSoftware: string;
  readonly backupType: string;
  readonly profile: Profile;
  /** Hour (UTC) the job runs every day. */
  readonly hour: number;
  readonly objects: ReadonlyArray<{ readonly name: string; readonly type: string }>;
  /** For `failing` jobs: which object breaks and what the product says about it. */
  readonly failure?: { readonly object: number; readonly message: string };
}

const vm = (name: string) => ({ name, type: 'VM' });
const host = (name: string) => ({ name, type: 'Host' });
const share = (name: string) => ({ name, type: 'NAS share' });
const usb = (name: string) => ({ name, type: 'USB disk' });
const pc = (name: string) => ({ name, type: 'Workstation' });
const m365 = (name: string) => ({ name, type: 'Microsoft 365' });

const VBR = 'Veeam Backup & Replication';
const HB = 'Synology Hyper Backup';
const NBR = 'NAKIVO Backup & Replication';
const ACP = 'Acronis Cyber Protect';

/** Jobs per demo customer, in the order of `demoCustomerNames` (25 in all). */
export const demoJobs: Readonly<Record<(typeof demoCustomerNames)[number], readonly JobTemplate[]>> = {
  'Acme Dental': [
    {
      name: 'Practice servers',
      family: 'veeam',
      backupSoftware: VBR,
      backupType: 'VM backup',
      profile: 'flaky',
      hour: 21,
      objects: [vm('DC01'), vm('PMS-SQL01'), vm('FS01'), vm('XRAY-APP01')],
    },
    {
      name: 'NAS to USB rotation',
      family: 'synology',
      backupSoftware: HB,
      backupType: 'NAS to USB disk',
      profile: 'failing',
      hour: 23,
      objects: [share('practice-data'), share('scans'), usb('USBCopy-1')],
      failure: {
        object: 2,
        message:
          "Backup destination USB disk 'USBCopy-1' is not connected. Connect the disk or swap in the rotation disk.",
      },
    },
    {
      name: 'Reception workstations',
      family: 'acronis',
      backupSoftware: ACP,
      backupType: 'Workstation image',
      profile: 'healthy',
      hour: 12,
      objects: [pc('RECEPTION-01'), pc('RECEPTION-02')],
    },
  ],
  'Brightwater Logistics': [
    {
      name: 'Hyper-V cluster',
      family: 'veeam',
      backupSoftware: VBR,
      backupType: 'Host backup',
      profile: 'flaky',
      hour: 22,
      objects: [host('HV-NODE01'), host('HV-NODE02'), vm('WMS-APP01'), vm('WMS-SQL01'), vm('RDS01')],
    },
    {
      name: 'Offsite copy to Wasabi',
      family: 'veeam',
      backupSoftware: VBR,
      backupType: 'Backup copy',
      profile: 'healthy',
      hour: 4,
      objects: [vm('WMS-APP01'), vm('WMS-SQL01'), vm('RDS01')],
    },
    {
      name: 'Warehouse NAS',
      family: 'synology',
      backupSoftware: HB,
      backupType: 'NAS to cloud (C2 Storage)',
      profile: 'healthy',
      hour: 1,
      objects: [share('shipping'), share('scans'), share('public')],
    },
    {
      name: 'Dispatch laptops',
      family: 'acronis',
      backupSoftware: ACP,
      backupType: 'Workstation image',
      profile: 'flaky',
      hour: 13,
      objects: [pc('DISPATCH-LT01'), pc('DISPATCH-LT02'), pc('DISPATCH-LT03')],
    },
  ],
  'Contoso B.V.': [
    {
      name: 'vSphere production',
      family: 'nakivo',
      backupSoftware: NBR,
      backupType: 'VM backup',
      profile: 'flaky',
      hour: 20,
      objects: [vm('contoso-dc01'), vm('contoso-exch01'), vm('contoso-erp01'), vm('contoso-file01')],
    },
    {
      name: 'ESXi host configuration',
      family: 'nakivo',
      backupSoftware: NBR,
      backupType: 'Host backup',
      profile: 'healthy',
      hour: 2,
      objects: [host('esx01.contoso.local'), host('esx02.contoso.local')],
    },
    {
      name: 'File server replica',
      family: 'nakivo',
      backupSoftware: NBR,
      backupType: 'Replication',
      profile: 'healthy',
      hour: 3,
      objects: [vm('contoso-file01')],
    },
  ],
  'Fabrikam Architects': [
    {
      name: 'Project share versioning',
      family: 'synology',
      backupSoftware: HB,
      backupType: 'NAS to NAS',
      profile: 'flaky',
      hour: 19,
      objects: [share('projects'), share('cad-library'), share('admin')],
    },
    {
      name: 'Weekly USB copy',
      family: 'synology',
      backupSoftware: 'Synology USB Copy',
      backupType: 'NAS to USB disk',
      profile: 'failing',
      hour: 18,
      objects: [share('projects'), usb('Fabrikam-USB-A')],
      failure: {
        object: 1,
        message: "The destination volume on USB disk 'Fabrikam-USB-A' is full (0 bytes free, 212 GB required).",
      },
    },
    {
      name: 'Render server',
      family: 'veeam',
      backupSoftware: 'Veeam Agent for Microsoft Windows',
      backupType: 'Server agent',
      profile: 'healthy',
      hour: 0,
      objects: [host('RENDER01')],
    },
  ],
  'Greenfield Schools': [
    {
      name: 'Admin VMs',
      family: 'veeam',
      backupSoftware: VBR,
      backupType: 'VM backup',
      profile: 'healthy',
      hour: 19,
      objects: [vm('GS-DC01'), vm('GS-SIMS01'), vm('GS-PRINT01')],
    },
    {
      name: 'Curriculum NAS',
      family: 'synology',
      backupSoftware: HB,
      backupType: 'NAS to cloud (C2 Storage)',
      profile: 'flaky',
      hour: 22,
      objects: [share('staff'), share('students'), share('media')],
    },
    {
      name: 'Microsoft 365',
      family: 'm365',
      backupSoftware: 'Veeam Backup for Microsoft 365',
      backupType: 'Cloud backup',
      profile: 'flaky',
      hour: 2,
      objects: [m365('Exchange Online'), m365('SharePoint Online'), m365('OneDrive for Business')],
    },
    {
      name: 'Library PCs',
      family: 'acronis',
      backupSoftware: ACP,
      backupType: 'Workstation image',
      profile: 'healthy',
      hour: 16,
      objects: [pc('LIB-PC01'), pc('LIB-PC02'), pc('LIB-PC03')],
    },
  ],
  'Northwind Traders': [
    {
      name: 'ERP and SQL',
      family: 'veeam',
      backupSoftware: VBR,
      backupType: 'VM backup',
      profile: 'failing',
      hour: 23,
      objects: [vm('NW-ERP01'), vm('NW-SQL01'), vm('NW-DC01')],
      failure: {
        object: 1,
        message: "Error: Backup repository 'REPO01' is out of space. 0 bytes free, 61.4 GB required.",
      },
    },
    {
      name: 'Hyper-V hosts',
      family: 'nakivo',
      backupSoftware: NBR,
      backupType: 'Host backup',
      profile: 'healthy',
      hour: 1,
      objects: [host('NW-HV01'), host('NW-HV02')],
    },
    {
      name: 'Finance NAS to USB',
      family: 'synology',
      backupSoftware: HB,
      backupType: 'NAS to USB disk',
      profile: 'flaky',
      hour: 20,
      objects: [share('finance'), usb('NW-USB-2')],
    },
  ],
  'Riverside Medical Centre': [
    {
      name: 'Clinical systems',
      family: 'veeam',
      backupSoftware: VBR,
      backupType: 'VM backup',
      profile: 'flaky',
      hour: 21,
      objects: [vm('RMC-EPD01'), vm('RMC-PACS01'), vm('RMC-DC01'), vm('RMC-DC02')],
    },
    {
      name: 'PACS archive',
      family: 'synology',
      backupSoftware: HB,
      backupType: 'NAS to NAS',
      profile: 'healthy',
      hour: 3,
      objects: [share('pacs-archive'), share('dicom-import')],
    },
    {
      name: 'Offsite copy',
      family: 'veeam',
      backupSoftware: VBR,
      backupType: 'Backup copy',
      profile: 'flaky',
      hour: 5,
      objects: [vm('RMC-EPD01'), vm('RMC-PACS01')],
    },
  ],
  'Tailspin Toys': [
    {
      name: 'Webshop VMs',
      family: 'nakivo',
      backupSoftware: NBR,
      backupType: 'VM backup',
      profile: 'healthy',
      hour: 1,
      objects: [vm('TT-WEB01'), vm('TT-DB01')],
    },
    {
      name: 'Office server',
      family: 'acronis',
      backupSoftware: ACP,
      backupType: 'Server image',
      profile: 'failing',
      hour: 22,
      objects: [host('TT-SRV01'), usb('TT-USB')],
      failure: { object: 1, message: 'Backup failed: the backup destination USB disk TT-USB is not connected.' },
    },
  ],
};

export const problemMessages: Readonly<
  Record<Family, { readonly warning: readonly string[]; readonly error: readonly string[] }>
> = {
  veeam: {
    warning: [
      'Changed block tracking is disabled for this VM; the disks were read in full.',
      'Guest processing skipped: VMware Tools are not running in the guest.',
      "Low free space on backup repository 'REPO01' (7% left).",
      'Unable to truncate SQL Server transaction logs: the SQL Server VSS writer is not running.',
      'The VM has a snapshot older than 7 days.',
    ],
    error: [
      'Error: Failed to create VM snapshot. Timed out waiting for the guest to quiesce.',
      'Error: The network path was not found. Failed to connect to \\\\NAS01\\veeam.',
      'Error: Unable to allocate processing resources: the backup proxy is unavailable.',
      'Error: The VM was not found in the inventory. It may have been deleted or renamed.',
    ],
  },
  synology: {
    warning: [
      'Some files were skipped because they were in use (3 files).',
      'The integrity check was skipped because the previous task was still running.',
      '12 files could not be read (permission denied) and were skipped.',
    ],
    error: [
      'Failed to connect to the destination (C2 Storage): authentication failed.',
      'The task was cancelled because the source shared folder is locked by another task.',
      'The destination is out of space. Free up space or reduce the number of retained versions.',
    ],
  },
  nakivo: {
    warning: [
      'Transaction log truncation failed for Microsoft SQL Server.',
      'Change tracking could not be used; a full read of the disks was performed.',
      'The backup repository is running out of free space (9% free).',
    ],
    error: [
      'The source cannot be reached: the host is not responding.',
      'The backup repository is inaccessible. Check the Transporter connection.',
      'Snapshot creation failed: the datastore has insufficient free space.',
    ],
  },
  acronis: {
    warning: [
      'The backup completed with warnings: 4 files could not be read.',
      'The machine was offline at the scheduled time; the backup ran 3 hours late.',
      'Volume Shadow Copy Service (VSS) failed; the backup was made without a snapshot.',
    ],
    error: [
      'Backup failed: not enough space in the cloud storage (quota exceeded).',
      'Backup failed: the machine was not available at the scheduled time.',
      'Backup failed: access is denied to the backup location.',
    ],
  },
  m365: {
    warning: [
      'Microsoft 365 throttled the request; 14 items will be retried in the next session.',
      'Some items were skipped because they exceed the maximum item size.',
    ],
    error: [
      'Failed to connect to Microsoft 365: the application certificate has expired.',
      'Processing failed: the backup proxy did not respond within 30 minutes.',
    ],
  },
};

/** Words for the large benchmark data set's customer names (plus a number, so they never clash). */
export const largeNameParts = {
  first: [
    'Alder',
    'Beacon',
    'Cedar',
    'Delta',
    'Elm',
    'Fjord',
    'Granite',
    'Harbor',
    'Iris',
    'Juniper',
    'Kestrel',
    'Linden',
    'Maple',
    'Nova',
    'Oak',
    'Pine',
  ],
  second: [
    'Dental',
    'Logistics',
    'Architects',
    'Schools',
    'Medical',
    'Legal',
    'Bakery',
    'Motors',
    'Accountants',
    'Engineering',
    'Pharmacy',
    'Hotels',
  ],
} as const;
