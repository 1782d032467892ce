import {
  type FormField,
  type FormOption,
  type FormTemplate,
  type FormTemplateKey,
  TAGS,
  type TagCode,
} from '@linli/shared';

/**
 * The five forms committees ask for most (issue 4), as definitions a worker copies and adapts.
 * Fields that feed the register say so (`maps`), so applying an answer needs no re-typing.
 */
const name: FormField = {
  key: 'name',
  type: 'text',
  label: '姓名',
  labelEn: 'Name',
  required: true,
  max: 50,
  maps: 'resident.name',
};
const phone: FormField = {
  key: 'phone',
  type: 'phone',
  label: '手机号码',
  labelEn: 'Mobile number',
  required: true,
  maps: 'resident.phone',
};
const address: FormField = {
  key: 'address',
  type: 'address',
  label: '现居住地址',
  labelEn: 'Where you live now',
  help: '依次选择小区、楼栋、单元和房号',
  helpEn: 'Choose the compound, then the building, the entrance and the flat',
  required: true,
  maps: 'household.dwelling',
};
/** An option that adds a resident tag: the tag code as its value, the catalogue's words as its label. */
const tagOption = (code: TagCode): FormOption => ({
  value: code,
  label: TAGS[code].zh,
  labelEn: TAGS[code].en,
});

const consent: FormField = {
  key: 'consent',
  type: 'consent',
  label: '我已阅读上方的个人信息说明，同意社区按说明使用以上信息',
  labelEn: 'I have read the privacy notice above and agree to this use of my information',
  required: true,
};

const TEMPLATES: FormTemplate[] = [
  {
    key: 'newcomer',
    title: '来沪/返沪人员登记',
    titleEn: 'Newcomer and returnee registration',
    description: '新来本社区居住或返回本社区的居民，请在到达后 24 小时内填写，谢谢配合。',
    descriptionEn: 'If you have just moved here or come back, please register within 24 hours of arriving.',
    mode: 'form',
    submissionLimit: 'none',
    definition: {
      sections: [
        {
          title: '基本信息',
          titleEn: 'About you',
          fields: [
            name,
            {
              key: 'sex',
              type: 'single',
              label: '性别',
              labelEn: 'Sex',
              required: true,
              maps: 'resident.sex',
              options: [
                { value: 'male', label: '男', labelEn: 'Male' },
                { value: 'female', label: '女', labelEn: 'Female' },
              ],
            },
            {
              key: 'id_number',
              type: 'id_number',
              label: '身份证号码',
              labelEn: 'Resident ID number',
              required: true,
              maps: 'resident.idNumber',
            },
            phone,
          ],
        },
        {
          title: '来沪信息',
          titleEn: 'Your arrival',
          fields: [
            {
              key: 'residence_type',
              type: 'single',
              label: '户籍情况',
              labelEn: 'Household registration',
              required: true,
              maps: 'resident.residenceType',
              options: [
                {
                  value: 'non_hukou',
                  label: '外省市户籍（来沪）',
                  labelEn: 'Registered in another province',
                },
                { value: 'hukou', label: '本市户籍（返沪）', labelEn: 'Registered here (returning)' },
                {
                  value: 'separated',
                  label: '本市户籍，户口不在本社区',
                  labelEn: 'Registered elsewhere in the city',
                },
              ],
            },
            {
              key: 'arrival_date',
              type: 'date',
              label: '到达日期',
              labelEn: 'Date of arrival',
              required: true,
              maps: 'resident.arrivalDate',
            },
            {
              key: 'from_place',
              type: 'text',
              label: '从何处来（省市区）',
              labelEn: 'Coming from (province, city)',
              required: true,
              max: 100,
            },
            address,
            {
              key: 'hukou_address',
              type: 'text',
              label: '户籍地址',
              labelEn: 'Registered (hukou) address',
              max: 200,
              maps: 'resident.hukouAddress',
              showIf: { field: 'residence_type', op: 'equals', value: 'non_hukou' },
            },
            {
              key: 'occupation',
              type: 'text',
              label: '职业',
              labelEn: 'Occupation',
              max: 50,
              maps: 'resident.occupation',
            },
            {
              key: 'employer',
              type: 'text',
              label: '工作单位',
              labelEn: 'Employer',
              max: 100,
              maps: 'resident.employer',
            },
          ],
        },
        {
          title: '紧急联系人',
          titleEn: 'Emergency contact',
          fields: [
            {
              key: 'emergency_name',
              type: 'text',
              label: '紧急联系人姓名',
              labelEn: 'Emergency contact name',
              max: 50,
              maps: 'resident.emergencyContactName',
            },
            {
              key: 'emergency_phone',
              type: 'phone',
              label: '紧急联系人电话',
              labelEn: 'Emergency contact phone',
              maps: 'resident.emergencyContactPhone',
            },
            consent,
          ],
        },
      ],
    },
    privacy: {
      purpose: '掌握本社区新来和返回居住的人员情况，更新社区实有人口登记，便于提供服务',
      purposeEn:
        'To know who has moved to or come back to the community, keep its register of residents up to date and serve you',
      audience: '本社区居委会负责人口登记的工作人员；不向其他单位或个人提供',
      audienceEn: 'The committee staff who keep the register of residents; never given to anyone else',
      retentionDays: 365,
    },
  },
  {
    key: 'household_update',
    title: '家庭信息更新',
    titleEn: 'Household information update',
    description: '家里人员或联系方式有变化时，请告诉居委会，我们会核对后更新登记。',
    descriptionEn:
      'Tell the committee when your household or contact details change; we check and update the register.',
    mode: 'form',
    submissionLimit: 'none',
    definition: {
      sections: [
        {
          title: '填写人',
          titleEn: 'Who is filling this in',
          fields: [
            address,
            name,
            phone,
            {
              key: 'situation',
              type: 'multi',
              label: '您本人是否属于以下情况（选填）',
              labelEn: 'Does either of these apply to you (optional)',
              help: '独居、空巢的老人，社区会定期联系看望',
              helpEn:
                'The committee keeps in touch with older people who live alone or whose children have left',
              maps: 'resident.tags',
              options: [tagOption('living_alone'), tagOption('empty_nest')],
            },
            // The register wants someone to call for an older resident living alone.
            {
              key: 'emergency_name',
              type: 'text',
              label: '紧急联系人姓名',
              labelEn: 'Emergency contact name',
              required: true,
              max: 50,
              maps: 'resident.emergencyContactName',
              showIf: { field: 'situation', op: 'includes', value: 'living_alone' },
            },
            {
              key: 'emergency_phone',
              type: 'phone',
              label: '紧急联系人电话',
              labelEn: 'Emergency contact phone',
              required: true,
              maps: 'resident.emergencyContactPhone',
              showIf: { field: 'situation', op: 'includes', value: 'living_alone' },
            },
          ],
        },
        {
          title: '变化情况',
          titleEn: 'What has changed',
          fields: [
            {
              key: 'changes',
              type: 'multi',
              label: '有哪些变化',
              labelEn: 'What has changed',
              required: true,
              options: [
                { value: 'phone', label: '联系电话变更', labelEn: 'New phone number' },
                { value: 'new_member', label: '有新成员迁入', labelEn: 'Someone moved in' },
                { value: 'moved_out', label: '有成员迁出', labelEn: 'Someone moved out' },
                { value: 'deceased', label: '有成员去世', labelEn: 'Someone passed away' },
                { value: 'other', label: '其他', labelEn: 'Other' },
              ],
            },
            {
              key: 'member_name',
              type: 'text',
              label: '迁入成员姓名',
              labelEn: 'Name of the person moving in',
              required: true,
              max: 50,
              showIf: { field: 'changes', op: 'includes', value: 'new_member' },
            },
            {
              key: 'member_id_number',
              type: 'id_number',
              label: '迁入成员身份证号码',
              labelEn: 'Their resident ID number',
              showIf: { field: 'changes', op: 'includes', value: 'new_member' },
            },
            {
              key: 'details',
              type: 'textarea',
              label: '具体说明',
              labelEn: 'Details',
              help: '例如：谁迁出、哪天、迁往何处',
              helpEn: 'For example: who moved out, on which day, and where to',
              max: 1000,
            },
            consent,
          ],
        },
      ],
    },
    privacy: {
      purpose: '核对并更新您家庭在社区的登记信息',
      purposeEn: 'To check and update your household’s entry in the community register',
      audience: '本社区居委会负责人口登记的工作人员',
      audienceEn: 'The committee staff who keep the register of residents',
      retentionDays: 180,
    },
  },
  {
    key: 'volunteer',
    title: '志愿者报名',
    titleEn: 'Volunteer sign-up',
    description:
      '社区活动招募志愿者，每个班次名额有限，报满即止。报名后如不能参加，请用回执编号撤回，把名额留给邻居。',
    descriptionEn:
      'Volunteers wanted; each shift has limited places. If you cannot come, withdraw with your reference so a neighbour can take the place.',
    mode: 'chain',
    submissionLimit: 'per_phone',
    definition: {
      sections: [
        {
          title: '报名信息',
          titleEn: 'Your sign-up',
          fields: [
            name,
            phone,
            address,
            {
              key: 'shift',
              type: 'single',
              label: '班次',
              labelEn: 'Shift',
              required: true,
              options: [
                { value: 'morning', label: '上午 8:00–12:00', labelEn: 'Morning 8:00–12:00', capacity: 8 },
                {
                  value: 'afternoon',
                  label: '下午 13:00–17:00',
                  labelEn: 'Afternoon 13:00–17:00',
                  capacity: 6,
                },
                { value: 'evening', label: '晚上 18:00–21:00', labelEn: 'Evening 18:00–21:00', capacity: 6 },
              ],
            },
            {
              key: 'skills',
              type: 'multi',
              label: '可以承担的工作',
              labelEn: 'What you can help with',
              options: [
                { value: 'guide', label: '现场引导', labelEn: 'Guiding people' },
                { value: 'register', label: '扫码登记', labelEn: 'Registration desk' },
                { value: 'carry', label: '物资搬运', labelEn: 'Carrying supplies' },
                { value: 'elderly', label: '帮扶老人', labelEn: 'Helping older residents' },
              ],
            },
            {
              key: 'fit',
              type: 'yes_no',
              label: '身体状况能胜任 4 小时站立工作',
              labelEn: 'I am fit for four hours of standing work',
              required: true,
            },
            consent,
          ],
        },
      ],
    },
    privacy: {
      purpose: '安排志愿者班次并在活动前联系您',
      purposeEn: 'To arrange the volunteer shifts and contact you before the event',
      audience: '本次活动的组织者（居委会工作人员）；报名名单上其他人只能看到打码的姓名和楼栋',
      audienceEn:
        'The organisers of this event (committee staff); others on the sign-up list see only a masked name and the building',
      retentionDays: 90,
    },
  },
  {
    key: 'health',
    title: '健康申报',
    titleEn: 'Health declaration',
    description: '请如实填写今天的体温和身体状况。',
    descriptionEn: 'Please give today’s temperature and how you feel, truthfully.',
    mode: 'form',
    submissionLimit: 'none',
    definition: {
      sections: [
        {
          title: '申报人',
          titleEn: 'Who is declaring',
          fields: [name, phone, address],
        },
        {
          title: '今日健康状况',
          titleEn: 'How you are today',
          fields: [
            {
              key: 'temperature',
              type: 'temperature',
              label: '今日体温',
              labelEn: 'Temperature today',
              unit: '℃',
              required: true,
              sensitive: true,
            },
            {
              key: 'symptoms',
              type: 'multi',
              label: '是否有以下症状',
              labelEn: 'Do you have any of these symptoms',
              required: true,
              sensitive: true,
              options: [
                { value: 'none', label: '以上均无', labelEn: 'None of these' },
                { value: 'fever', label: '发热', labelEn: 'Fever' },
                { value: 'cough', label: '咳嗽', labelEn: 'Cough' },
                { value: 'sore_throat', label: '咽痛', labelEn: 'Sore throat' },
                { value: 'fatigue', label: '乏力', labelEn: 'Fatigue' },
              ],
            },
            {
              key: 'travelled',
              type: 'yes_no',
              label: '近 14 天是否离开过本市',
              labelEn: 'Have you left the city in the last 14 days',
              required: true,
            },
            {
              key: 'travel_place',
              type: 'text',
              label: '去过哪里',
              labelEn: 'Where did you go',
              required: true,
              max: 100,
              showIf: { field: 'travelled', op: 'equals', value: 'true' },
            },
            consent,
          ],
        },
      ],
    },
    privacy: {
      purpose: '掌握居民健康状况，需要时及时提供帮助',
      purposeEn: 'To know how residents are and help promptly when needed',
      audience: '本社区居委会负责健康服务的工作人员和社区卫生服务中心',
      audienceEn: 'The committee staff in charge of health services, and the community health centre',
      retentionDays: 30,
    },
  },
  {
    key: 'feedback',
    title: '意见反馈',
    titleEn: 'Feedback',
    description: '对社区工作有什么意见和建议，欢迎告诉我们。留下电话的，我们会回访。',
    descriptionEn:
      'Tell us what you think of the committee’s work. Leave a phone number if you would like a call back.',
    mode: 'form',
    submissionLimit: 'none',
    definition: {
      sections: [
        {
          title: '意见建议',
          titleEn: 'Comments and suggestions',
          fields: [
            {
              key: 'category',
              type: 'single',
              label: '类别',
              labelEn: 'Topic',
              required: true,
              options: [
                { value: 'environment', label: '环境卫生', labelEn: 'Cleanliness' },
                { value: 'property', label: '物业管理', labelEn: 'Property management' },
                { value: 'parking', label: '停车', labelEn: 'Parking' },
                { value: 'noise', label: '噪音', labelEn: 'Noise' },
                { value: 'safety', label: '安全隐患', labelEn: 'Safety hazard' },
                { value: 'other', label: '其他', labelEn: 'Other' },
              ],
            },
            {
              key: 'content',
              type: 'textarea',
              label: '具体内容',
              labelEn: 'Your feedback',
              required: true,
              max: 2000,
            },
          ],
        },
        {
          title: '联系方式（选填）',
          titleEn: 'How to reach you (optional)',
          description: '不留联系方式也可以提交。',
          descriptionEn: 'You can send this without leaving any contact details.',
          fields: [
            { ...name, required: false },
            {
              ...phone,
              label: '手机号码（回访用）',
              labelEn: 'Mobile number (for a call back)',
              required: false,
            },
            { ...address, required: false },
          ],
        },
      ],
    },
    privacy: {
      purpose: '处理您的意见建议，并在您留下电话时回访',
      purposeEn: 'To deal with your comments, and to call you back if you leave a number',
      audience: '本社区居委会工作人员',
      audienceEn: 'The residents’ committee staff',
      retentionDays: 365,
    },
  },
];

export const FORM_TEMPLATES_BY_KEY = Object.fromEntries(TEMPLATES.map((t) => [t.key, t])) as Record<
  FormTemplateKey,
  FormTemplate
>;

/** Copies, so a caller changing one never changes the template. */
export const formTemplates = (): FormTemplate[] => structuredClone(TEMPLATES);
